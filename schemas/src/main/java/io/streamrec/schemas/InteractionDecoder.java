package io.streamrec.schemas;

import io.streamrec.schemas.avro.InteractionEvent;

/**
 * Reads a value from the interactions topic in either accepted form: streamrec Avro (header
 * 0x53) or a JSON object. One instance per thread.
 */
public final class InteractionDecoder {
    private final AvroCodec<InteractionEvent> avro = AvroCodec.of(InteractionEvent.class);

    /**
     * @param kafkaTimestampMs the record's timestamp, used when a JSON event has no event_time
     * @throws MalformedRecordException when it is neither
     */
    public InteractionEvent decode(byte[] value, long kafkaTimestampMs) {
        if (AvroCodec.isAvroFramed(value)) {
            return avro.decode(value);
        }
        if (InteractionJson.looksLikeJson(value)) {
            return InteractionJson.parse(value, kafkaTimestampMs > 0 ? kafkaTimestampMs : -1);
        }
        if (value == null) {
            throw new MalformedRecordException(ReasonCode.UNDECODABLE, "null record value (tombstone)");
        }
        throw new MalformedRecordException(
                ReasonCode.UNDECODABLE,
                value.length == 0
                        ? "empty record value"
                        : String.format(
                                "neither streamrec Avro (0x53 header) nor a JSON object: first byte 0x%02x, %d bytes",
                                value[0] & 0xff, value.length));
    }
}
