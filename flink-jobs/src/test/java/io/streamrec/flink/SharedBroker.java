package io.streamrec.flink;

import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** One real embedded KRaft broker for all tests of this JVM, plus produce/consume helpers. */
final class SharedBroker {
    private static EmbeddedKafka broker;

    private SharedBroker() {}

    static synchronized String bootstrap() {
        if (broker == null) {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "kafka-" + UUID.randomUUID());
            broker = EmbeddedKafka.start(dir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker.bootstrapServers();
    }

    static void produce(String topic, List<byte[][]> keyValues) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap())) {
            for (byte[][] kv : keyValues) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
            producer.flush();
        }
    }

    /** Reads a topic from the beginning with read_committed until {@code done} holds or the timeout passes. */
    static List<ConsumerRecord<byte[], byte[]>> consume(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        return KafkaClients.readAll(bootstrap(), topic, done, timeout, Duration.ofMillis(1500));
    }
}
