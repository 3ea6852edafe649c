package io.streamrec.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.streamrec.schemas.avro.InteractionEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON form of {@link InteractionEvent}, for producers in any language:
 *
 * <pre>{"user_id":"u42","item_id":"i7","event_type":"click","value":1.0,
 *  "event_time":1732300000000,"properties":{"device":"ios"}}</pre>
 *
 * <p>Field names are the Avro ones. {@code event_time} is epoch milliseconds or an ISO-8601
 * instant ({@code "2026-11-23T10:00:00Z"}); when absent, the Kafka record's timestamp is used.
 * {@code value} and {@code properties} are optional; unknown fields are ignored (so newer
 * producers can add fields). Ids may be JSON strings or integers.
 */
public final class InteractionJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxStringLength(1 << 20)
                    .build())
            .build();

    private static final List<String> FIELDS =
            List.of("user_id", "item_id", "event_type", "value", "event_time", "properties");

    private InteractionJson() {}

    /** True when the first non-blank byte opens a JSON object. */
    public static boolean looksLikeJson(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        for (byte b : bytes) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return false;
    }

    /**
     * Parses one event. Shape errors throw {@link MalformedRecordException} (UNDECODABLE, or
     * BAD_EVENT_TIME for an unreadable time); content rules are {@link InteractionValidator}'s.
     *
     * @param fallbackTimeMs event time to use when the JSON has none (the Kafka timestamp), or -1
     */
    public static InteractionEvent parse(byte[] bytes, long fallbackTimeMs) {
        String user = null;
        String item = null;
        String type = null;
        Double value = null;
        long time = fallbackTimeMs;
        Map<String, String> properties = null;
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw undecodable("expected a JSON object");
            }
            JsonToken t;
            int seen = 0; // one bit per known field (an unknown one is skipped, so naming it twice changes nothing)
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int known = FIELDS.indexOf(field);
                if (known >= 0) {
                    int bit = 1 << known;
                    if ((seen & bit) != 0) {
                        throw new MalformedRecordException(
                                ReasonCode.DUPLICATE_KEY, "the JSON object names '" + field + "' twice");
                    }
                    seen |= bit;
                }
                JsonToken v = p.nextToken();
                switch (field) {
                    case "user_id":
                        user = idText(p, v, field);
                        break;
                    case "item_id":
                        item = idText(p, v, field);
                        break;
                    case "event_type":
                        type = v == JsonToken.VALUE_NULL ? null : stringOnly(p, v, field);
                        break;
                    case "value":
                        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                            value = p.getDoubleValue();
                        } else if (v == JsonToken.VALUE_STRING && isNonFiniteName(p.getText())) {
                            value = Double.parseDouble(
                                    p.getText()); // "NaN", "Infinity": rejected by the validator with its reason
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw undecodable("field 'value' must be a number, got " + v);
                        }
                        break;
                    case "event_time":
                        time = eventTime(p, v);
                        break;
                    case "properties":
                        if (v == JsonToken.START_OBJECT) {
                            properties = new HashMap<>();
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String k = p.currentName();
                                JsonToken pv = p.nextToken();
                                if (pv == JsonToken.START_OBJECT || pv == JsonToken.START_ARRAY) {
                                    throw undecodable("properties." + k + " must be a scalar");
                                }
                                if (properties.containsKey(k)) {
                                    throw new MalformedRecordException(
                                            ReasonCode.DUPLICATE_KEY, "properties names '" + k + "' twice");
                                }
                                properties.put(k, pv == JsonToken.VALUE_NULL ? "" : p.getText());
                            }
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw undecodable("field 'properties' must be an object of strings");
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw undecodable("malformed JSON object");
            }
            if (p.nextToken() != null) {
                throw undecodable("trailing content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw undecodable("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw undecodable("unreadable JSON: " + e.getMessage());
        }
        if (time == -1) {
            throw new MalformedRecordException(ReasonCode.BAD_EVENT_TIME, "event_time is missing");
        }
        // the all-fields constructor, not the builder: absent ids stay null for the validator to name
        return new InteractionEvent(user, item, type, value, Instant.ofEpochMilli(time), properties);
    }

    private static boolean isNonFiniteName(String s) {
        return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity");
    }

    private static String idText(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw undecodable("field '" + field + "' must be a string or an integer, got " + v);
    }

    private static String stringOnly(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw undecodable("field '" + field + "' must be a string, got " + v);
        }
        return p.getText();
    }

    private static long eventTime(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            try {
                return Instant.parse(p.getText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new MalformedRecordException(
                        ReasonCode.BAD_EVENT_TIME,
                        "event_time '" + p.getText() + "' is neither epoch milliseconds nor an ISO-8601 instant");
            }
        }
        throw new MalformedRecordException(
                ReasonCode.BAD_EVENT_TIME, "event_time must be a number or a string, got " + v);
    }

    private static MalformedRecordException undecodable(String message) {
        return new MalformedRecordException(ReasonCode.UNDECODABLE, message);
    }
}
