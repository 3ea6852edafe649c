package io.streamrec.flink.io;

import io.streamrec.common.KafkaProperties;
import io.streamrec.flink.serving.CatalogFeed;
import io.streamrec.flink.serving.EmbeddingDeserializer;
import io.streamrec.flink.serving.ModelUpdate;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.serving.ItemTable;
import io.streamrec.serving.ServedCatalog;
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
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TaskManager's served item tables from the embeddings topic (read_committed, one consumer per
 * TaskManager, no consumer group). On a start it rebuilds the newest committed version: from the
 * beginning of the compacted topic to its end offsets, for each item key the latest vector,
 * withdrawn items (tombstones) dropped, as of the newest COMMIT; compaction keeps the latest record
 * of every key, so this is exact whether versions were published whole or as deltas. Then it goes
 * on reading from there on a daemon thread, item records into the catalog and COMMITs committing
 * them, so a version goes live as soon as its records are on the topic, whatever queues in front of
 * the serving operator's own inputs. A COMMIT whose records or base are not here (a record that did
 * not decode) is answered with another rebuild.
 */
public final class EmbeddingsFeed implements CatalogFeed {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingsFeed.class);
    private final String bootstrap;
    private final String topic;
    private final Map<String, String> properties;

    public EmbeddingsFeed(String bootstrap, String topic, Map<String, String> properties) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.properties = new HashMap<>(properties);
    }

    @Override
    public AutoCloseable start(ServedCatalog catalog) {
        KafkaConsumer<byte[], byte[]> c = consumer();
        try {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            c.assign(parts);
            ItemTable t = rebuild(c, parts);
            if (t != null) {
                catalog.restore(t);
            }
            Follower f = new Follower(c, parts, catalog);
            f.thread.start();
            return f;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        // a whole version's item vectors at once: larger polls and fetches than the common consumer's
        Properties p = KafkaProperties.readCommittedConsumer(
                bootstrap,
                Map.of(
                        "max.poll.records",
                        "10000",
                        "fetch.max.bytes",
                        String.valueOf(64 << 20),
                        "fetch.max.wait.ms",
                        "100"));
        p.putAll(properties);
        return new KafkaConsumer<>(p);
    }

    /** The newest committed version's table, read from the beginning to the end offsets as of now; null if none. */
    private ItemTable rebuild(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts) {
        long t0 = System.nanoTime();
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        Map<String, float[]> items = new LinkedHashMap<>();
        long newest = 0;
        long triggerTime = 0;
        float[] coldUser = null;
        long read = 0;
        while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                read++;
                String key = key(r);
                if (key.startsWith("u:")) {
                    continue; // users come keyed, through the job
                }
                if (r.value() == null) {
                    if (key.startsWith("i:")) {
                        items.remove(key.substring(2));
                    }
                    continue;
                }
                ModelUpdate u = decode(codec, r);
                if (u == null) {
                    continue;
                }
                if (u.kind == ModelUpdate.ITEM) {
                    items.put(u.id, u.vector);
                } else if (u.kind == ModelUpdate.COMMIT && u.version > newest) {
                    newest = u.version;
                    triggerTime = u.triggerTime;
                    coldUser = u.vector;
                }
            }
        }
        if (newest == 0) {
            return null;
        }
        ItemTable.Builder b = ItemTable.builder(newest)
                .triggerTime(triggerTime)
                .coldUser(coldUser)
                .delta(true); // each entity's latest
        for (Map.Entry<String, float[]> en : items.entrySet()) {
            try {
                b.put(en.getKey(), en.getValue());
            } catch (IllegalArgumentException ex) {
                LOG.warn("Rebuilding served items: {}", ex.getMessage());
            }
        }
        ItemTable t = b.build();
        LOG.info(
                "Rebuilt served items of model version {} from {}: {} items from {} records in {} ms",
                newest,
                topic,
                t.size(),
                read,
                (System.nanoTime() - t0) / 1_000_000);
        return t;
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static ModelUpdate decode(AvroCodec<EmbeddingRecord> codec, ConsumerRecord<byte[], byte[]> r) {
        try {
            return EmbeddingDeserializer.toUpdate(codec.decode(r.value()));
        } catch (RuntimeException ex) {
            LOG.warn(
                    "Served items: skipping undecodable embeddings record at offset {}: {}", r.offset(), ex.toString());
            return null;
        }
    }

    /** The thread that keeps a catalog fed after the rebuild; closing it stops the thread and its consumer. */
    private final class Follower implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> parts;
        private final ServedCatalog catalog;
        private final AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        private final Thread thread;
        private volatile boolean closed;

        Follower(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> parts, ServedCatalog catalog) {
            this.consumer = consumer;
            this.parts = parts;
            this.catalog = catalog;
            this.thread = new Thread(this::run, "served-items-" + topic);
            thread.setDaemon(true);
        }

        private void run() {
            try {
                while (!closed) {
                    try {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            apply(r);
                        }
                    } catch (WakeupException e) {
                        break;
                    } catch (RuntimeException e) {
                        if (closed) {
                            break;
                        }
                        LOG.warn("Reading {} for served items failed; retrying in 1 s: {}", topic, e.toString());
                        sleep();
                    }
                }
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        private void apply(ConsumerRecord<byte[], byte[]> r) {
            if (r.value() == null) {
                return; // a withdrawn item's tombstone: its version's COMMIT lists it
            }
            String key = key(r);
            if (key.startsWith("u:")) {
                return; // users come keyed, through the job
            }
            ModelUpdate u = decode(codec, r);
            if (u == null) {
                return;
            }
            if (u.kind == ModelUpdate.ITEM) {
                catalog.put(u.version, u.id, u.vector);
            } else if (u.kind == ModelUpdate.COMMIT) {
                ServedCatalog.Commit c =
                        catalog.commit(u.version, u.triggerTime, u.items, u.vector, u.baseVersion, u.removed);
                if (c == ServedCatalog.Commit.MISSING) {
                    LOG.warn(
                            "Model version {} committed without all its item vectors or its base version {}; rebuilding served items "
                                    + "from {}",
                            u.version,
                            u.baseVersion,
                            topic);
                    ItemTable t = rebuild(
                            consumer, parts); // leaves the consumer at the end offsets: following goes on from there
                    if (t != null) {
                        catalog.restore(t);
                    }
                }
            }
        }

        private void sleep() {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            consumer.wakeup();
            thread.join(10_000);
        }
    }
}
