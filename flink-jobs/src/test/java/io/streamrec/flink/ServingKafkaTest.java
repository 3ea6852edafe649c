package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.job.GraphJobConfig;
import io.streamrec.flink.job.GraphJobRunner;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.InteractionEvent;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import io.streamrec.schemas.avro.ScoredItem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Serving in the graph job, on a real broker and MiniCluster: model versions written to the
 * embeddings topic as the model server writes them are applied at their COMMIT; each new edge is
 * scored before it is learned (its rank among the user's unseen items) and the user's top-K, seen
 * items excluded, goes to the recommendations topic; rolling NDCG/HitRate per version go to metrics.
 */
class ServingKafkaTest {
    private static final AvroCodec<EmbeddingRecord> EMB = AvroCodec.of(EmbeddingRecord.class);
    private static final AvroCodec<InteractionEvent> EVENTS = AvroCodec.of(InteractionEvent.class);

    private static byte[][] record(String key, EmbeddingRecord r) {
        return new byte[][] {key.getBytes(StandardCharsets.UTF_8), EMB.encode(r)};
    }

    /** Version {@code v}: items i0..i9 on a line (i_j = 10 - j, or reversed), user u1 at +1 or -1. */
    private static List<byte[][]> version(long v, boolean reversed) {
        List<byte[][]> out = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            float x = reversed ? -(10 - j) : 10 - j;
            out.add(record(
                    "i:i" + j,
                    new EmbeddingRecord(
                            EmbeddingKind.ITEM,
                            "i" + j,
                            v,
                            List.of(x, 0f),
                            0L,
                            0L,
                            0,
                            0,
                            Instant.EPOCH,
                            Instant.EPOCH,
                            Map.of(),
                            ByteBuffer.allocate(0),
                            0L,
                            List.of())));
        }
        out.add(record(
                "u:u1",
                new EmbeddingRecord(
                        EmbeddingKind.USER,
                        "u1",
                        v,
                        List.of(1f, 0f),
                        0L,
                        0L,
                        0,
                        0,
                        Instant.EPOCH,
                        Instant.EPOCH,
                        Map.of(),
                        ByteBuffer.allocate(0),
                        0L,
                        List.of())));
        out.add(record(
                "commit",
                new EmbeddingRecord(
                        EmbeddingKind.COMMIT,
                        "",
                        v,
                        List.of(),
                        v * 10,
                        v,
                        1,
                        10,
                        Instant.ofEpochMilli(System.currentTimeMillis()),
                        Instant.now(),
                        Map.of(),
                        ByteBuffer.allocate(0),
                        0L,
                        List.of())));
        return out;
    }

    private static byte[][] event(String user, String item, long time) {
        return new byte[][] {
            user.getBytes(StandardCharsets.UTF_8),
            EVENTS.encode(new InteractionEvent(user, item, "click", null, Instant.ofEpochMilli(time), null))
        };
    }

    private static List<Recommendation> recs(List<ConsumerRecord<byte[], byte[]>> rs) {
        AvroCodec<Recommendation> c = AvroCodec.of(Recommendation.class);
        return rs.stream().map(r -> c.decode(r.value())).toList();
    }

    private static String[] ids(Recommendation r) {
        return r.getItems().stream().map(ScoredItem::getItemId).toArray(String[]::new);
    }

    @Test
    void scoresBeforeLearningAndRecommendsUnseenItemsOfOneVersion() throws Exception {
        Topics topics = new Topics("serving.");
        TopicProvisioner.ensureTopics(SharedBroker.bootstrap(), Map.of(), topics, 2, (short) 1);
        Path chk = Files.createTempDirectory("serving-chk");
        GraphJobConfig cfg = GraphJobConfig.builder(SharedBroker.bootstrap(), topics)
                .groupId("serving-job")
                .parallelism(2)
                .edgesPartitions(2)
                .triggerEdges(10_000)
                .triggerInterval(Duration.ofMinutes(10))
                .checkpointDir(chk.toUri().toString())
                .checkpointInterval(Duration.ofMillis(300))
                .transactionTimeout(Duration.ofMinutes(5))
                .serving(new ServingConfig(true, 3, 1, Duration.ofHours(1)))
                .build();
        Configuration local = new Configuration();
        local.setString("taskmanager.numberOfTaskSlots", "4");
        SharedBroker.produce(topics.embeddings(), version(1, false));
        JobClient job = GraphJobRunner.start(cfg, local);
        try {
            AvroCodec<MetricPoint> mc = AvroCodec.of(MetricPoint.class);
            SharedBroker.consume(
                    topics.metrics(),
                    r -> r.stream().anyMatch(x -> mc.decode(x.value()).getName().equals("version_live_seconds")),
                    Duration.ofSeconds(60));
            Thread.sleep(1000); // the other serving task applies the same broadcast version
            long t0 = 1_700_000_000_000L;
            // u1 (a user version 1 knows) takes i3: three unseen items (i0, i1, i2) ranked above it
            SharedBroker.produce(topics.interactions(), List.<byte[][]>of(event("u1", "i3", t0)));
            List<Recommendation> r1 =
                    recs(SharedBroker.consume(topics.recommendations(), r -> r.size() >= 1, Duration.ofSeconds(30)));
            assertEquals(1, r1.size());
            assertEquals(1L, r1.get(0).getModelVersion());
            assertArrayEquals(new String[] {"i0", "i1", "i2"}, ids(r1.get(0)), "top-3 of u1 after taking i3");
            // then i0 (rank 1 now), and u2, a user the model has not seen, takes i9: scored at the mean of all items
            SharedBroker.produce(
                    topics.interactions(),
                    List.of(event("u1", "i0", t0 + 1), event("u1", "i3", t0 + 2), event("u2", "i9", t0 + 3)));
            List<Recommendation> r2 =
                    recs(SharedBroker.consume(topics.recommendations(), r -> r.size() >= 3, Duration.ofSeconds(30)));
            Recommendation u1 = r2.stream()
                    .filter(r -> r.getUserId().equals("u1"))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertArrayEquals(new String[] {"i1", "i2", "i4"}, ids(u1), "seen i0 and i3 are excluded");
            Recommendation u2 = r2.stream()
                    .filter(r -> r.getUserId().equals("u2"))
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(
                    new String[] {"i0", "i1", "i2"}, ids(u2), "a new user is placed at the mean of its known items");
            assertEquals(3, r2.size(), "a repeated interaction (u1, i3) refreshes nothing");

            // version 2 reverses the item line: u1's next unseen item is ranked by version 2 only
            SharedBroker.produce(topics.embeddings(), version(2, true));
            SharedBroker.consume(
                    topics.metrics(),
                    r -> r.stream()
                                    .filter(x -> mc.decode(x.value()).getName().equals("version_live_seconds"))
                                    .count()
                            >= 2,
                    Duration.ofSeconds(60));
            Thread.sleep(1000);
            SharedBroker.produce(topics.interactions(), List.<byte[][]>of(event("u1", "i9", t0 + 4)));
            List<Recommendation> r3 =
                    recs(SharedBroker.consume(topics.recommendations(), r -> r.size() >= 4, Duration.ofSeconds(30)));
            Recommendation last = r3.get(r3.size() - 1);
            assertEquals(2L, last.getModelVersion());
            assertArrayEquals(
                    new String[] {"i8", "i7", "i6"}, ids(last), "version 2 ranks the far end first; i9 is seen");

            List<MetricPoint> points = SharedBroker.consume(
                            topics.metrics(),
                            r -> r.stream()
                                            .map(x -> mc.decode(x.value()))
                                            .filter(p -> p.getName().equals("ndcg@3")
                                                    && p.getScorer().equals("model"))
                                            .count()
                                    >= 4,
                            Duration.ofSeconds(30))
                    .stream()
                    .map(x -> mc.decode(x.value()))
                    .filter(p -> p.getName().equals("ndcg@3") && p.getScorer().equals("model"))
                    .toList();
            // count window of 1: one point per scored event: u1/i3 rank 4 (0), u1/i0 rank 1 (1), u2/i9 rank 10 (0); v2:
            // u1/i9 rank 1
            List<Double> v1 = points.stream()
                    .filter(p -> p.getModelVersion() == 1)
                    .map(MetricPoint::getValue)
                    .sorted()
                    .toList();
            assertEquals(List.of(0.0, 0.0, 1.0), v1);
            List<Double> v2 = points.stream()
                    .filter(p -> p.getModelVersion() == 2)
                    .map(MetricPoint::getValue)
                    .toList();
            assertEquals(List.of(1.0), v2);
            assertTrue(points.stream().allMatch(p -> p.getWindow().equals("count:1") && p.getSamples() == 1));
        } finally {
            job.cancel().get();
        }
    }
}
