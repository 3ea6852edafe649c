package io.streamrec.flink.kafka;

import io.streamrec.flink.serving.CatalogReplay;
import io.streamrec.flink.serving.EmbeddingDeserializer;
import io.streamrec.flink.serving.ModelUpdate;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.serving.ItemTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the newest committed version's item table from the compacted embeddings topic
 * (read_committed, from the beginning to the end offsets at the start): for each item key the
 * latest vector, withdrawn items (tombstones) dropped, as of the newest COMMIT. Compaction keeps
 * the latest record of every key, so this is exact for the newest version whether versions are
 * published whole or as deltas of the ones before.
 */
public final class EmbeddingsReplay implements CatalogReplay {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingsReplay.class);
  private final String bootstrap;
  private final String topic;
  private final Map<String, String> properties;

  public EmbeddingsReplay(String bootstrap, String topic, Map<String, String> properties) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.properties = new HashMap<>(properties);
  }

  @Override
  public ItemTable newest() {
    long t0 = System.nanoTime();
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("enable.auto.commit", "false");
    p.setProperty("max.poll.records", "10000");
    p.setProperty("fetch.max.bytes", String.valueOf(64 << 20));
    p.putAll(properties);
    AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
    Map<String, float[]> items = new LinkedHashMap<>();
    long newest = 0;
    long triggerTime = 0;
    float[] coldUser = null;
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          read++;
          String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null) {
            if (key.startsWith("i:")) {
              items.remove(key.substring(2));
            }
            continue;
          }
          EmbeddingRecord e;
          try {
            e = codec.decode(r.value());
          } catch (RuntimeException ex) {
            LOG.warn("Rebuilding served items: skipping undecodable record at offset {}: {}", r.offset(), ex.toString());
            continue;
          }
          ModelUpdate u = EmbeddingDeserializer.toUpdate(e);
          if (u.kind == ModelUpdate.ITEM) {
            items.put(u.id, u.vector);
          } else if (u.kind == ModelUpdate.COMMIT && u.version > newest) {
            newest = u.version;
            triggerTime = u.triggerTime;
            coldUser = u.vector;
          }
        }
      }
    }
    if (newest == 0) {
      return null;
    }
    ItemTable.Builder b = ItemTable.builder(newest).triggerTime(triggerTime).coldUser(coldUser).delta(true); // each entity's latest
    for (Map.Entry<String, float[]> en : items.entrySet()) {
      try {
        b.put(en.getKey(), en.getValue());
      } catch (IllegalArgumentException ex) {
        LOG.warn("Rebuilding served items: {}", ex.getMessage());
      }
    }
    ItemTable t = b.build();
    LOG.info("Rebuilt served items of model version {} from {}: {} items from {} records in {} ms", newest, topic, t.size(), read,
        (System.nanoTime() - t0) / 1_000_000);
    return t;
  }
}
