package io.streamrec.common;

import java.util.Map;
import java.util.Properties;

/**
 * The one place Kafka client settings are written: every component's consumers, producers and
 * admin clients start from these, then add the user's {@code --kafka-property} settings on top
 * (security.protocol, sasl.*, ssl.*, or any override). Keys and class names as strings, so this
 * module needs no Kafka dependency.
 */
public final class KafkaProperties {
    /** Largest record a producer sends: the dead-letter and embeddings topics take 4 MiB records. */
    public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private static final String BYTES_SERIALIZER = "org.apache.kafka.common.serialization.ByteArraySerializer";
    private static final String BYTES_DESERIALIZER = "org.apache.kafka.common.serialization.ByteArrayDeserializer";

    private KafkaProperties() {}

    /** An admin client's: only where the brokers are. */
    public static Properties admin(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.putAll(extra);
        return p;
    }

    /**
     * A consumer of committed records only (isolation.level=read_committed), bytes in, no group
     * and no auto-commit: the caller assigns partitions and keeps its own positions.
     */
    public static Properties readCommittedConsumer(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", BYTES_DESERIALIZER);
        p.put("value.deserializer", BYTES_DESERIALIZER);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "5000");
        p.put("max.partition.fetch.bytes", String.valueOf(8 * 1024 * 1024));
        p.putAll(extra);
        return p;
    }

    /** An idempotent producer, bytes out: {@link #producerSettings} with byte-array serializers. */
    public static Properties producer(String bootstrap, Map<String, String> extra) {
        Properties p = producerSettings(bootstrap, Map.of());
        p.put("key.serializer", BYTES_SERIALIZER);
        p.put("value.serializer", BYTES_SERIALIZER);
        p.putAll(extra);
        return p;
    }

    /**
     * A producer's settings without serializers (for a client that sets its own, as Flink's Kafka
     * sink does): acks=all, idempotent, linger 5 ms, 256 KiB batches, records up to {@link
     * #MAX_REQUEST_BYTES}.
     */
    public static Properties producerSettings(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("batch.size", String.valueOf(256 * 1024));
        p.put("max.request.size", String.valueOf(MAX_REQUEST_BYTES));
        p.putAll(extra);
        return p;
    }

    /** {@link #producer} with a transactional id; a transaction may stay open up to 10 minutes. */
    public static Properties transactionalProducer(
            String bootstrap, String transactionalId, Map<String, String> extra) {
        Properties p = producer(bootstrap, Map.of());
        p.put("transactional.id", transactionalId);
        p.put("transaction.timeout.ms", "600000");
        p.putAll(extra);
        return p;
    }
}
