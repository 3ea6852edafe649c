package io.streamrec.flink;

import io.streamrec.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "5");
    p.put("max.request.size", String.valueOf(2 * 1024 * 1024));
    return new KafkaProducer<>(p);
  }

  static void produce(String topic, List<byte[][]> keyValues) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (byte[][] kv : keyValues) {
        producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
      }
      producer.flush();
    }
  }

  /** Reads a topic from the beginning with read_committed until {@code done} holds or the timeout passes. */
  static List<ConsumerRecord<byte[], byte[]>> consume(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("max.partition.fetch.bytes", String.valueOf(8 * 1024 * 1024));
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(all) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      // a little longer, to catch anything that should NOT be there (duplicates)
      long settle = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      while (System.nanoTime() < settle) {
        c.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }
}
