package io.streamrec.flink.io;

import io.streamrec.common.KafkaProperties;
import io.streamrec.flink.ingest.InteractionDeserializer;
import io.streamrec.flink.ingest.Parsed;
import io.streamrec.flink.job.GraphJob;
import io.streamrec.flink.job.GraphJobConfig;
import io.streamrec.flink.serving.EmbeddingDeserializer;
import io.streamrec.flink.serving.ModelUpdate;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The graph job's Kafka source and exactly-once (transactional) sinks. */
public final class KafkaGraphIo {
    private KafkaGraphIo() {}

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
    public static KafkaSource<Parsed> source(GraphJobConfig cfg) {
        var b = KafkaSource.<Parsed>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setTopics(cfg.topics().interactions())
                .setGroupId(cfg.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new InteractionDeserializer(cfg.validator()))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty("fetch.min.bytes", "65536")
                .setProperty("fetch.max.wait.ms", "50")
                .setProperty("max.poll.records", "2000");
        cfg.kafkaProperties().forEach(b::setProperty);
        return b.build();
    }

    /**
     * Model versions for serving: the embeddings topic from the group's committed offset, or from
     * its beginning on a first start (the topic is compacted: the beginning holds the latest
     * versions), read_committed so a half-written version is never seen.
     */
    @SuppressWarnings("deprecation")
    public static KafkaSource<ModelUpdate> embeddingsSource(GraphJobConfig cfg) {
        var b = KafkaSource.<ModelUpdate>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setTopics(cfg.topics().embeddings())
                .setGroupId(cfg.groupId() + "-serving")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(
                        new EmbeddingDeserializer(false)) // item vectors: read by each TaskManager's EmbeddingsFeed
                .setProperty("isolation.level", "read_committed")
                .setProperty("fetch.max.wait.ms", "50");
        cfg.kafkaProperties().forEach(b::setProperty);
        return b.build();
    }

    /**
     * The exactly-once sinks, and the recommendations sink at least once: a recommendation is the
     * latest state of one user (a repeat after a recovery is harmless) and must not wait for a
     * checkpoint to become visible, or no recommendation could be fresher than the interval.
     */
    public static GraphJob.Sinks sinks(GraphJobConfig cfg) {
        return new GraphJob.Sinks(
                sink(cfg, new TopicRecordSerializers.Changelog(cfg.topics().graphEdges()), "edges"),
                sink(
                        cfg,
                        new TopicRecordSerializers.Triggers(
                                cfg.topics().trainingTriggers(), cfg.topics().graphEdges()),
                        "triggers"),
                sink(cfg, new TopicRecordSerializers.DeadLetters(cfg.topics().deadLetters()), "dlq"),
                sink(
                        cfg,
                        new TopicRecordSerializers.Recommendations(cfg.topics().recommendations()),
                        "recs",
                        DeliveryGuarantee.AT_LEAST_ONCE),
                sink(cfg, new TopicRecordSerializers.Metrics(cfg.topics().metrics()), "metrics"));
    }

    private static <T> KafkaSink<T> sink(
            GraphJobConfig cfg, KafkaRecordSerializationSchema<T> serializer, String name) {
        return sink(cfg, serializer, name, DeliveryGuarantee.EXACTLY_ONCE);
    }

    private static <T> KafkaSink<T> sink(
            GraphJobConfig cfg,
            KafkaRecordSerializationSchema<T> serializer,
            String name,
            DeliveryGuarantee guarantee) {
        Properties p = KafkaProperties.producerSettings(
                cfg.bootstrapServers(),
                Map.of(
                        "transaction.timeout.ms",
                        String.valueOf(cfg.transactionTimeout().toMillis())));
        p.putAll(cfg.kafkaProperties());
        return KafkaSink.<T>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(cfg.groupId() + "-" + name)
                .setKafkaProducerConfig(p)
                .build();
    }
}
