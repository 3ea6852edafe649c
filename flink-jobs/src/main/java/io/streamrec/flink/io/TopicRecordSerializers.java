package io.streamrec.flink.io;

import io.streamrec.flink.changelog.ChangelogEntry;
import io.streamrec.flink.changelog.TriggerInfo;
import io.streamrec.flink.ingest.DeadLetterInfo;
import io.streamrec.flink.serving.MetricOut;
import io.streamrec.flink.serving.RecommendationOut;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.GraphChangeWire;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import io.streamrec.schemas.avro.ScoredItem;
import io.streamrec.schemas.avro.TrainingTrigger;
import io.streamrec.schemas.avro.TriggerReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka record serializers of the graph job's outputs; bodies go through {@link AvroCodec}. */
public final class TopicRecordSerializers {
    private TopicRecordSerializers() {}

    /** Changelog: key = user id (none for CUT), explicit partition, value = GraphChange. */
    public static final class Changelog implements KafkaRecordSerializationSchema<ChangelogEntry> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private transient GraphChangeWire wire;

        public Changelog(String topic) {
            this.topic = topic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            wire = new GraphChangeWire();
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(ChangelogEntry e, KafkaSinkContext ctx, Long timestamp) {
            GraphChangeKind kind = e.kind == ChangelogEntry.ADDED
                    ? GraphChangeKind.EDGE_ADDED
                    : e.kind == ChangelogEntry.REMOVED ? GraphChangeKind.EDGE_REMOVED : GraphChangeKind.CUT;
            byte[] key = e.kind == ChangelogEntry.CUT ? null : e.user.getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(
                    topic,
                    e.partition,
                    key,
                    wire.encode(kind, e.seq, e.user, e.item, e.weight, e.time, e.itemDegree, e.triggerId));
        }
    }

    public static final class Triggers implements KafkaRecordSerializationSchema<TriggerInfo> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final String edgesTopic;
        private transient AvroCodec<TrainingTrigger> codec;

        public Triggers(String topic, String edgesTopic) {
            this.topic = topic;
            this.edgesTopic = edgesTopic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            codec = AvroCodec.of(TrainingTrigger.class);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(TriggerInfo t, KafkaSinkContext ctx, Long timestamp) {
            TrainingTrigger r = TrainingTrigger.newBuilder()
                    .setTriggerId(t.triggerId)
                    .setThroughSeq(t.throughSeq)
                    .setEdgesSincePrevious(t.edgesSincePrevious)
                    .setReason(t.byCount ? TriggerReason.EDGE_COUNT : TriggerReason.INTERVAL)
                    .setEdgesTopic(edgesTopic)
                    .setEdgesPartitions(t.partitions)
                    .setCreatedTime(Instant.ofEpochMilli(t.time))
                    .build();
            return new ProducerRecord<>(
                    topic, null, Long.toString(t.triggerId).getBytes(StandardCharsets.UTF_8), codec.encode(r));
        }
    }

    /** Dead letters keep the original key, so they land on the partition a retry would use. */
    public static final class DeadLetters implements KafkaRecordSerializationSchema<DeadLetterInfo> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private transient AvroCodec<DeadLetter> codec;

        public DeadLetters(String topic) {
            this.topic = topic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            codec = AvroCodec.of(DeadLetter.class);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetterInfo d, KafkaSinkContext ctx, Long timestamp) {
            DeadLetter r = DeadLetter.newBuilder()
                    .setReasonCode(d.reasonCode)
                    .setReason(d.reason)
                    .setSourceTopic(d.topic)
                    .setSourcePartition(d.partition)
                    .setSourceOffset(d.offset)
                    .setOriginalKey(d.key == null ? null : ByteBuffer.wrap(d.key))
                    .setOriginalValue(d.value == null ? null : ByteBuffer.wrap(d.value))
                    .setTime(Instant.ofEpochMilli(d.time))
                    .build();
            return new ProducerRecord<>(topic, null, d.key, codec.encode(r));
        }
    }

    /** Recommendations: key = user id, value = Recommendation (the latest per user is the one that counts). */
    public static final class Recommendations implements KafkaRecordSerializationSchema<RecommendationOut> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private transient AvroCodec<Recommendation> codec;

        public Recommendations(String topic) {
            this.topic = topic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            codec = AvroCodec.of(Recommendation.class);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(RecommendationOut r, KafkaSinkContext ctx, Long timestamp) {
            List<ScoredItem> items = new ArrayList<>(r.items.length);
            for (int i = 0; i < r.items.length; i++) {
                items.add(new ScoredItem(r.items[i], r.scores[i]));
            }
            Recommendation rec = new Recommendation(
                    r.user, items, r.version, Instant.ofEpochMilli(r.eventTime), Instant.ofEpochMilli(r.createdTime));
            return new ProducerRecord<>(topic, null, r.user.getBytes(StandardCharsets.UTF_8), codec.encode(rec));
        }
    }

    /** Metrics: key = metric name, value = MetricPoint. */
    public static final class Metrics implements KafkaRecordSerializationSchema<MetricOut> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private transient AvroCodec<MetricPoint> codec;

        public Metrics(String topic) {
            this.topic = topic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            codec = AvroCodec.of(MetricPoint.class);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(MetricOut m, KafkaSinkContext ctx, Long timestamp) {
            Map<String, String> labels = m.against == null
                    ? Map.of()
                    : Map.of(
                            "against",
                            m.against,
                            "ci95_low",
                            Double.toString(m.low),
                            "ci95_high",
                            Double.toString(m.high));
            MetricPoint p = new MetricPoint(
                    m.name,
                    m.value,
                    m.version,
                    m.window,
                    m.samples,
                    Instant.ofEpochMilli(m.time),
                    labels,
                    m.scorer == null ? MetricOut.MODEL : m.scorer);
            return new ProducerRecord<>(topic, null, m.name.getBytes(StandardCharsets.UTF_8), codec.encode(p));
        }
    }
}
