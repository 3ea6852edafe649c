package io.streamrec.model.server;

import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one model version to the embeddings topic in one Kafka transaction: the user and item
 * rows its {@link PublishedVectors.Plan} names, tombstones for withdrawn items, and the COMMIT
 * that makes the version visible (docs/SCHEMAS.md, "embeddings").
 */
final class VersionWriter {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);

    VersionWriter(KafkaProducer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Publishes version {@code number} of {@code v} for trigger {@code cut}; returns the bytes written. */
    long write(ModelVersion v, long number, PublishedVectors.Plan plan, Set<String> withdrawn, GraphChange cut) {
        long bytes = 0;
        producer.beginTransaction();
        try {
            for (int k : plan.userRows()) {
                String id = v.userIds().get(k);
                bytes += send(
                        "u:" + id,
                        EmbeddingRecords.packed(EmbeddingKind.USER_PACKED, id, number, v.row(v.userVectors(), k))
                                .build());
            }
            for (int k : plan.itemRows()) {
                String id = v.itemIds().get(k);
                bytes += send(
                        "i:" + id,
                        EmbeddingRecords.packed(EmbeddingKind.ITEM_PACKED, id, number, v.row(v.itemVectors(), k))
                                .build());
            }
            // tombstones, so compaction drops a withdrawn item's last vector: all of them in a full version, the new
            // ones in a delta
            for (String id : plan.full() ? withdrawn : plan.removed()) {
                producer.send(new ProducerRecord<>(topic, 0, ("i:" + id).getBytes(StandardCharsets.UTF_8), null));
            }
            EmbeddingRecord commit = EmbeddingRecords.packed(
                            EmbeddingKind.COMMIT_PACKED, "", number, v.meanUserVector())
                    .build();
            commit.setThroughSeq(v.throughSeq());
            commit.setTriggerId(cut.getTriggerId());
            commit.setUsers(plan.userRows().length);
            commit.setItems(plan.itemRows().length);
            commit.setTriggerTime(cut.getEventTime());
            commit.setBaseVersion(plan.baseVersion());
            commit.setRemovedItems(new ArrayList<>(plan.removed()));
            Map<String, Double> m = new LinkedHashMap<>();
            v.metrics().forEach((k, val) -> {
                if (val instanceof Number n) {
                    m.put(k, n.doubleValue());
                }
            });
            m.put("published_users", (double) plan.userRows().length);
            m.put("published_items", (double) plan.itemRows().length);
            m.put("version_users", (double) plan.users());
            m.put("version_items", (double) plan.items());
            m.put("published_bytes", (double) bytes);
            commit.setMetrics(m);
            send("commit", commit);
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
        return bytes;
    }

    /** Sends one record; returns its size in bytes (key and value). */
    private int send(String key, EmbeddingRecord r) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] value = codec.encode(r);
        producer.send(new ProducerRecord<>(topic, 0, k, value));
        return k.length + value.length;
    }
}
