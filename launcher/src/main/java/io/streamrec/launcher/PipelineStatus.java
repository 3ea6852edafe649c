package io.streamrec.launcher;

import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.TrainingTrigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipeline's one-line status, read from the topics as a consumer would see them
 * (read_committed): transaction markers take offsets, so end offsets alone would overcount.
 */
public final class PipelineStatus implements AutoCloseable {
    private final Topics topics;
    private final String groupId;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> edgesTail;
    private final KafkaConsumer<byte[], byte[]> triggersTail;
    private final KafkaConsumer<byte[], byte[]> deadLetters;
    private final AvroCodec<GraphChange> changes = AvroCodec.of(GraphChange.class);
    private final AvroCodec<TrainingTrigger> triggers = AvroCodec.of(TrainingTrigger.class);
    private final KafkaConsumer<byte[], byte[]> metricsTail;
    private final AvroCodec<MetricPoint> points = AvroCodec.of(MetricPoint.class);
    private long deadLetterCount;
    private long servedVersion;
    private double versionLiveSeconds = Double.NaN;
    private MetricPoint ndcg;
    private MetricPoint hitRate;
    private MetricPoint popularNdcg;
    private MetricPoint pairedPrevious;

    PipelineStatus(String bootstrap, Topics topics, String groupId) {
        this.topics = topics;
        this.groupId = groupId;
        admin = KafkaClients.admin(bootstrap);
        edgesTail = assigned(KafkaClients.readCommittedConsumer(bootstrap), topics.graphEdges());
        triggersTail = assigned(KafkaClients.readCommittedConsumer(bootstrap), topics.trainingTriggers());
        deadLetters = KafkaClients.readCommittedConsumer(bootstrap);
        List<TopicPartition> dlq = KafkaClients.partitions(deadLetters, topics.deadLetters());
        deadLetters.assign(dlq);
        deadLetters.seekToBeginning(dlq);
        metricsTail = KafkaClients.readCommittedConsumer(bootstrap);
        List<TopicPartition> metrics = KafkaClients.partitions(metricsTail, topics.metrics());
        metricsTail.assign(metrics);
        metricsTail.seekToBeginning(metrics);
    }

    /**
     * {produced, consumed} on the interactions topic: its end offsets, and the graph job's group's
     * committed offsets on it (the status line's and the dashboard's one definition of lag).
     */
    public static long[] interactionOffsets(Admin admin, String topic, String groupId) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var info : admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()) {
            latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest());
        }
        long produced = admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(o -> o.offset())
                .sum();
        long consumed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset())
                        .sum();
        return new long[] {produced, consumed};
    }

    private static KafkaConsumer<byte[], byte[]> assigned(KafkaConsumer<byte[], byte[]> c, String topic) {
        c.assign(KafkaClients.partitions(c, topic));
        return c;
    }

    String line() throws Exception {
        long[] offsets = interactionOffsets(admin, topics.interactions(), groupId);
        long produced = offsets[0];
        long consumed = offsets[1];
        long edges = 0;
        for (ConsumerRecord<byte[], byte[]> r : lastRecords(edgesTail)) {
            edges = Math.max(edges, changes.decode(r.value()).getSeq());
        }
        long lastTrigger = 0;
        for (ConsumerRecord<byte[], byte[]> r : lastRecords(triggersTail)) {
            lastTrigger = Math.max(lastTrigger, triggers.decode(r.value()).getTriggerId());
        }
        for (int k = 0; k < 5; k++) {
            int n = deadLetters.poll(Duration.ofMillis(50)).count();
            deadLetterCount += n;
            if (n == 0) {
                break;
            }
        }
        for (int k = 0; k < 20; k++) {
            var batch = metricsTail.poll(Duration.ofMillis(50));
            batch.forEach(r -> take(points.decode(r.value())));
            if (batch.isEmpty()) {
                break;
            }
        }
        return String.format(
                "interactions %,d (job behind by %,d), changelog edges %,d, training triggers %,d, dead letters %,d%s",
                produced, Math.max(0, produced - consumed), edges, lastTrigger, deadLetterCount, modelPart());
    }

    private void take(MetricPoint p) {
        String name = p.getName();
        if (name.equals("version_live_seconds")) {
            if (p.getModelVersion() >= servedVersion) {
                servedVersion = p.getModelVersion();
                versionLiveSeconds = p.getValue();
            }
        } else if (name.startsWith("paired_ndcg@")) {
            String against = p.getLabels().get("against");
            if (against != null
                    && against.startsWith("v")
                    && (pairedPrevious == null || p.getModelVersion() >= pairedPrevious.getModelVersion())) {
                pairedPrevious = p;
            }
        } else if (p.getWindow().startsWith("count:") && "most_popular".equals(p.getScorer())) {
            if (name.startsWith("ndcg@")
                    && (popularNdcg == null || p.getModelVersion() >= popularNdcg.getModelVersion())) {
                popularNdcg = p;
            }
        } else if (p.getWindow().startsWith("count:") && "model".equals(p.getScorer())) {
            if (name.startsWith("ndcg@") && (ndcg == null || p.getModelVersion() >= ndcg.getModelVersion())) {
                ndcg = p;
            } else if (name.startsWith("hit_rate@")
                    && (hitRate == null || p.getModelVersion() >= hitRate.getModelVersion())) {
                hitRate = p;
            }
        }
    }

    private String modelPart() {
        if (servedVersion == 0) {
            return "; no model served yet (the first version follows the first training trigger)";
        }
        String s =
                String.format("; serving model v%d (live %.1f s after its trigger)", servedVersion, versionLiveSeconds);
        if (ndcg != null && hitRate != null) {
            String baseline = popularNdcg != null && popularNdcg.getModelVersion() == ndcg.getModelVersion()
                    ? String.format(" vs most-popular %.4f", popularNdcg.getValue())
                    : "";
            s += String.format(
                    ", rolling model %s %.4f%s, %s %.4f (last %,d events scored by v%d)",
                    ndcg.getName(),
                    ndcg.getValue(),
                    baseline,
                    hitRate.getName(),
                    hitRate.getValue(),
                    ndcg.getSamples(),
                    ndcg.getModelVersion());
        }
        if (pairedPrevious != null) {
            Map<String, String> l = pairedPrevious.getLabels();
            s += String.format(
                    "; v%d vs %s on the same %,d events: NDCG Δ %+.4f, 95%% [%s, %s]",
                    pairedPrevious.getModelVersion(),
                    l.get("against"),
                    pairedPrevious.getSamples(),
                    pairedPrevious.getValue(),
                    signed(l.get("ci95_low")),
                    signed(l.get("ci95_high")));
        }
        return s;
    }

    private static String signed(String v) {
        if (v == null) {
            return "?";
        }
        double d = Double.parseDouble(v);
        return Double.isNaN(d) ? "?" : String.format("%+.4f", d);
    }

    /** The last few committed records of each partition (enough to step over transaction markers). */
    private static List<ConsumerRecord<byte[], byte[]>> lastRecords(KafkaConsumer<byte[], byte[]> tail) {
        List<TopicPartition> parts = List.copyOf(tail.assignment());
        Map<TopicPartition, Long> ends = tail.endOffsets(parts);
        Map<TopicPartition, Long> targets = new HashMap<>();
        ends.forEach((tp, end) -> {
            tail.seek(tp, Math.max(0, end - 8));
            targets.put(tp, end);
        });
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            var batch = tail.poll(Duration.ofMillis(50));
            batch.forEach(out::add);
            boolean done = parts.stream().allMatch(tp -> tail.position(tp) >= targets.get(tp));
            if (done) {
                break;
            }
        }
        return out;
    }

    @Override
    public void close() {
        edgesTail.close();
        triggersTail.close();
        deadLetters.close();
        metricsTail.close();
        admin.close();
    }
}
