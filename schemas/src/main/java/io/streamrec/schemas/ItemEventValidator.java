package io.streamrec.schemas;

import io.streamrec.schemas.avro.ItemEvent;
import java.util.List;
import java.util.Map;

/**
 * Content rules for catalog records on the items topic, checked by the model server before an item's
 * text or vectors reach the model (rules and reason codes: docs/SCHEMAS.md, "ItemEvent"). A withdrawal
 * ({@code deleted: true}) needs only a valid id.
 */
public final class ItemEventValidator {
    public static final int DEFAULT_MAX_TEXT_CHARS = 16_384;
    public static final int DEFAULT_MAX_VECTOR_DIMENSIONS = 4_096;
    public static final int MAX_MODALITIES = 16;
    public static final int MAX_FIELD_NAME_LENGTH = 64;

    private final int maxIdLength;
    private final int maxTextChars;
    private final int maxDimensions;

    public ItemEventValidator(int maxIdLength, int maxTextChars, int maxDimensions) {
        if (maxIdLength < 1 || maxTextChars < 1 || maxDimensions < 1) {
            throw new IllegalArgumentException("item limits must be positive: max id length " + maxIdLength
                    + ", max text characters " + maxTextChars + ", max vector dimensions " + maxDimensions);
        }
        this.maxIdLength = maxIdLength;
        this.maxTextChars = maxTextChars;
        this.maxDimensions = maxDimensions;
    }

    public static ItemEventValidator defaults() {
        return new ItemEventValidator(
                InteractionValidator.DEFAULT_MAX_ID_LENGTH, DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_VECTOR_DIMENSIONS);
    }

    /** @throws MalformedRecordException with the first rule {@code e} breaks */
    public void check(ItemEvent e) {
        IdRules.check("item_id", e.getItemId(), maxIdLength);
        if (e.getDeleted()) {
            return;
        }
        if (e.getEventTime() == null || e.getEventTime().toEpochMilli() <= 0) {
            throw new MalformedRecordException(
                    ReasonCode.BAD_EVENT_TIME, "event_time " + e.getEventTime() + " is not after 1970-01-01");
        }
        long chars = 0;
        for (Map.Entry<String, String> t : e.getText().entrySet()) {
            name("text", t.getKey());
            IdRules.checkUnicode("text." + t.getKey(), t.getValue());
            chars += t.getValue() == null ? 0 : t.getValue().length();
        }
        if (chars > maxTextChars) {
            throw new MalformedRecordException(
                    ReasonCode.TEXT_TOO_LONG,
                    "text of item '" + e.getItemId() + "' has " + chars + " characters in all, the limit is "
                            + maxTextChars);
        }
        Map<String, List<Float>> vectors = e.getVectors();
        if (vectors == null) {
            return;
        }
        if (vectors.size() > MAX_MODALITIES) {
            throw new MalformedRecordException(
                    ReasonCode.BAD_VECTOR,
                    "item '" + e.getItemId() + "' has " + vectors.size() + " modality vectors, the limit is "
                            + MAX_MODALITIES);
        }
        for (Map.Entry<String, List<Float>> v : vectors.entrySet()) {
            name("vectors", v.getKey());
            List<Float> a = v.getValue();
            if (a.isEmpty() || a.size() > maxDimensions) {
                throw new MalformedRecordException(
                        ReasonCode.BAD_VECTOR,
                        "item '" + e.getItemId() + "': " + v.getKey() + " vector has " + a.size()
                                + " dimensions, expected 1.." + maxDimensions);
            }
            for (int k = 0; k < a.size(); k++) {
                Float x = a.get(k);
                if (x == null || !Float.isFinite(x)) {
                    throw new MalformedRecordException(
                            ReasonCode.BAD_VECTOR,
                            "item '" + e.getItemId() + "': " + v.getKey() + " vector component " + k + " is " + x);
                }
            }
        }
    }

    /** A text field or modality name: an id of at most 64 characters. */
    private static void name(String what, String key) {
        try {
            IdRules.check(what + " key", key, MAX_FIELD_NAME_LENGTH);
        } catch (MalformedRecordException ex) {
            throw new MalformedRecordException(
                    ex.code() == ReasonCode.INVALID_UNICODE ? ReasonCode.INVALID_UNICODE : ReasonCode.BAD_FIELD_NAME,
                    ex.getMessage());
        }
    }
}
