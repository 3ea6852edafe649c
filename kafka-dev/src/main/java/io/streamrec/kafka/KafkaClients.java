package io.streamrec.kafka;

import io.streamrec.common.KafkaProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The byte-level Kafka clients the tools and tests use against a broker: an acks=all producer,
 * a read_committed consumer (what downstream of the exactly-once sinks must use), an admin
 * client, and "read a topic from the start until ...".
 */
public final class KafkaClients {
    private KafkaClients() {}

    /** {@link KafkaProperties#producer}: acks=all, idempotent, linger 5 ms, 256 KiB batches. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /**
     * {@link #producer(String)} with extra client properties on top (the {@code --kafka-property}
     * settings every component takes the same way: security.protocol, sasl.*, ssl.*).
     */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> extra) {
        return new KafkaProducer<>(KafkaProperties.producer(bootstrap, extra));
    }

    /** isolation.level=read_committed, no group, no auto-commit: assign partitions yourself. */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrap) {
        return readCommittedConsumer(bootstrap, Map.of());
    }

    /** {@link #readCommittedConsumer(String)} with extra client properties on top. */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrap, Map<String, String> extra) {
        return new KafkaConsumer<>(KafkaProperties.readCommittedConsumer(bootstrap, extra));
    }

    public static Admin admin(String bootstrap) {
        return admin(bootstrap, Map.of());
    }

    /** An admin client with extra client properties on top. */
    public static Admin admin(String bootstrap, Map<String, String> extra) {
        return Admin.create(KafkaProperties.admin(bootstrap, extra));
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
