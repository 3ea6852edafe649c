package io.streamrec.schemas;

import io.streamrec.schemas.avro.InteractionEvent;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Content rules for interactions, shared by the graph job and any producer that wants to check
 * before sending. Limits come from {@code validation.*} (docs/CONFIGURATION.md).
 */
public final class InteractionValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_ID_LENGTH = 256;
    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

    private final int maxIdLength;
    private final int maxRecordBytes;
    private final long maxFutureSkewMs;

    public InteractionValidator(int maxIdLength, int maxRecordBytes, Duration maxFutureSkew) {
        if (maxIdLength < 1 || maxRecordBytes < 16 || maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("validation limits must be positive: max id length " + maxIdLength
                    + ", max record bytes " + maxRecordBytes + ", max future skew " + maxFutureSkew);
        }
        this.maxIdLength = maxIdLength;
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    public static InteractionValidator defaults() {
        return new InteractionValidator(DEFAULT_MAX_ID_LENGTH, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_FUTURE_SKEW);
    }

    /** Rejects a value too large to decode, before decoding it. */
    public void checkSize(byte[] value) {
        if (value != null && value.length > maxRecordBytes) {
            throw new MalformedRecordException(
                    ReasonCode.OVERSIZED, "record value is " + value.length + " bytes, the limit is " + maxRecordBytes);
        }
    }

    /**
     * Checks a decoded event.
     *
     * @return the event type
     * @throws MalformedRecordException with the first rule it breaks
     */
    public EventType check(InteractionEvent e, long nowMs) {
        checkId("user_id", e.getUserId());
        checkId("item_id", e.getItemId());
        checkUnicode("event_type", e.getEventType());
        if (e.getProperties() != null) {
            for (Map.Entry<String, String> p : e.getProperties().entrySet()) {
                checkUnicode("properties key", p.getKey());
                checkUnicode("properties." + p.getKey(), p.getValue());
            }
        }
        EventType type = EventType.parse(e.getEventType());
        if (type == null) {
            throw new MalformedRecordException(
                    ReasonCode.UNKNOWN_EVENT_TYPE,
                    "event_type '" + abbreviate(e.getEventType())
                            + "' is not one of view, click, cart, purchase, like, rate, remove");
        }
        Double v = e.getValue();
        if (v != null && !Double.isFinite(v)) {
            throw new MalformedRecordException(ReasonCode.NON_FINITE_VALUE, "value is " + v);
        }
        Instant t = e.getEventTime();
        if (t == null || t.toEpochMilli() <= 0) {
            throw new MalformedRecordException(
                    ReasonCode.BAD_EVENT_TIME, "event_time " + t + " is not after 1970-01-01");
        }
        if (t.toEpochMilli() - nowMs > maxFutureSkewMs) {
            throw new MalformedRecordException(
                    ReasonCode.FUTURE_EVENT_TIME,
                    "event_time " + t + " is more than " + Duration.ofMillis(maxFutureSkewMs) + " ahead of now ("
                            + Instant.ofEpochMilli(nowMs) + ")");
        }
        return type;
    }

    /** The edge weight an accepted event adds: its value, else its type's default. */
    public static float weightOf(InteractionEvent e, EventType type) {
        Double v = e.getValue();
        return v != null ? v.floatValue() : type.defaultWeight();
    }

    private void checkId(String field, String id) {
        IdRules.check(field, id, maxIdLength);
    }

    private static void checkUnicode(String field, String s) {
        IdRules.checkUnicode(field, s);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
