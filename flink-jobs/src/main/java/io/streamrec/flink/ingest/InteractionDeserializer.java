package io.streamrec.flink.ingest;

import io.streamrec.schemas.EventType;
import io.streamrec.schemas.InteractionDecoder;
import io.streamrec.schemas.InteractionValidator;
import io.streamrec.schemas.MalformedRecordException;
import io.streamrec.schemas.ReasonCode;
import io.streamrec.schemas.avro.InteractionEvent;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record of the interactions topic into a {@link Parsed}: decoded (Avro or
 * JSON) and checked, or a dead letter with the reason and the original bytes. It never throws,
 * so no input can fail the job.
 */
public final class InteractionDeserializer implements KafkaRecordDeserializationSchema<Parsed> {
    private static final long serialVersionUID = 1L;

    private final InteractionValidator validator;
    private transient InteractionDecoder decoder;

    public InteractionDeserializer(InteractionValidator validator) {
        this.validator = validator;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = new InteractionDecoder();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Parsed> out) {
        out.collect(parse(
                record.value(),
                record.key(),
                record.timestamp(),
                record.topic(),
                record.partition(),
                record.offset(),
                System.currentTimeMillis()));
    }

    /** The decision for one record (also used directly by tests). */
    public Parsed parse(byte[] value, byte[] key, long timestamp, String topic, int partition, long offset, long now) {
        if (decoder == null) {
            decoder = new InteractionDecoder();
        }
        try {
            validator.checkSize(value);
            InteractionEvent e = decoder.decode(value, timestamp);
            EventType type = validator.check(e, now);
            return Parsed.ok(new Interaction(
                    e.getUserId(),
                    e.getItemId(),
                    type == EventType.REMOVE,
                    InteractionValidator.weightOf(e, type),
                    e.getEventTime().toEpochMilli()));
        } catch (MalformedRecordException e) {
            return Parsed.bad(
                    new DeadLetterInfo(e.code().name(), e.getMessage(), topic, partition, offset, key, value, now));
        } catch (RuntimeException e) {
            // a decoder bug must not stop the job either: the record goes aside with what happened
            return Parsed.bad(new DeadLetterInfo(
                    ReasonCode.UNDECODABLE.name(), "unexpected " + e, topic, partition, offset, key, value, now));
        }
    }

    @Override
    public TypeInformation<Parsed> getProducedType() {
        return TypeInformation.of(Parsed.class);
    }
}
