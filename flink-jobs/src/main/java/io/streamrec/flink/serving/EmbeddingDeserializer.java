package io.streamrec.flink.serving;

import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.avro.EmbeddingRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings topic records into {@link ModelUpdate}s. The model server is the topic's only writer;
 * a record that does not decode, or breaks {@link EmbeddingRecords#checked}'s rules, is skipped with a warning (the version it belongs to then fails
 * its item count check and is logged), never a reason to fail serving.
 */
public final class EmbeddingDeserializer implements KafkaRecordDeserializationSchema<ModelUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingDeserializer.class);
    private static final byte[] ITEM_KEY = "i:".getBytes(StandardCharsets.UTF_8);
    private final boolean items;
    private transient AvroCodec<EmbeddingRecord> codec;

    /** Every record. */
    public EmbeddingDeserializer() {
        this(true);
    }

    /** @param items false: item records are skipped undecoded (a {@link CatalogFeed} reads them) */
    public EmbeddingDeserializer(boolean items) {
        this.items = items;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = AvroCodec.of(EmbeddingRecord.class);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelUpdate> out) {
        if (record.value() == null) {
            return; // a tombstone
        }
        if (!items && isItemKey(record.key())) {
            return;
        }
        try {
            ModelUpdate u = toUpdate(codec.decode(record.value()));
            u.offset = record.offset();
            out.collect(u);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Skipping undecodable embeddings record at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
        }
    }

    private static boolean isItemKey(byte[] key) {
        return key != null && key.length >= ITEM_KEY.length && key[0] == ITEM_KEY[0] && key[1] == ITEM_KEY[1];
    }

    /** One embeddings record as serving reads it (also what a rebuild from the topic reads). */
    public static ModelUpdate toUpdate(EmbeddingRecord r) {
        byte kind = EmbeddingRecords.isUser(r)
                ? ModelUpdate.USER
                : EmbeddingRecords.isItem(r) ? ModelUpdate.ITEM : ModelUpdate.COMMIT;
        float[] vector = EmbeddingRecords.checked(r);
        ModelUpdate u = new ModelUpdate(
                kind,
                r.getEntityId(),
                r.getModelVersion(),
                vector,
                r.getTriggerTime().toEpochMilli(),
                r.getItems(),
                r.getThroughSeq());
        if (kind == ModelUpdate.COMMIT) {
            u.baseVersion = r.getBaseVersion();
            u.removed = r.getRemovedItems().toArray(new String[0]);
        }
        return u;
    }

    @Override
    public TypeInformation<ModelUpdate> getProducedType() {
        return TypeInformation.of(ModelUpdate.class);
    }
}
