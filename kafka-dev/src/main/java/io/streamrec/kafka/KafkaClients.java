package io.streamrec.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The byte-level Kafka clients the tools and tests use against a broker: an acks=all producer,
 * a read_committed consumer (what downstream of the exactly-once sinks must use), an admin
 * client, and "read a topic from the start until ...".
 */
public final class KafkaClients {
    private KafkaClients() {}

    /** acks=all, idempotent, linger 5 ms, 256 KiB batches, records up to 2 MiB. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /**
     * {@link #producer(String)} with extra client properties on top (the {@code --kafka-property}
     * settings every component takes the same way: security.protocol, sasl.*, ssl.*).
     */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("batch.size", String.valueOf(256 * 1024));
        p.put("max.request.size", String.valueOf(2 * 1024 * 1024));
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    /** isolation.level=read_committed, no group, no auto-commit: assign partitions yourself. */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrap) {
        return readCommittedConsumer(bootstrap, Map.of());
    }

    /** {@link #readCommittedConsumer(String)} with extra client properties on top. */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "5000");
        p.put("max.partition.fetch.bytes", String.valueOf(8 * 1024 * 1024));
        p.putAll(extra);
        return new KafkaConsumer<>(p);
    }

    public static Admin admin(String bootstrap) {
        return admin(bootstrap, Map.of());
    }

    /** An admin client with extra client properties on top. */
    public static Admin admin(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.putAll(extra);
        return Admin.create(p);
    }

    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        return c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
    }

    /**
     * The whole of {@code topic} as of now, with a consumer the caller keeps (read_committed: up to
     * the last stable offsets); fails when the end is not reached within {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(
            KafkaConsumer<byte[], byte[]> c, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        List<TopicPartition> parts = partitions(c, topic);
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " up to " + end + " within " + timeout);
            }
            c.poll(Duration.ofMillis(200)).forEach(all::add);
        }
        return all;
    }

    /**
     * Reads {@code topic} from the beginning (read_committed) until {@code done} holds or the
     * timeout passes, then {@code settle} longer, to catch anything that should not be there.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrap,
            String topic,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout,
            Duration settle) {
        return readAll(bootstrap, Map.of(), topic, done, timeout, settle);
    }

    /** {@link #readAll(String, String, Predicate, Duration, Duration)} with extra client properties. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrap,
            Map<String, String> extra,
            String topic,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout,
            Duration settle) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = readCommittedConsumer(bootstrap, extra)) {
            List<TopicPartition> parts = partitions(c, topic);
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(all) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            long end = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
