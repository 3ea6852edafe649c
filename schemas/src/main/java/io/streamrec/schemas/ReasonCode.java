package io.streamrec.schemas;

/** Why an input record was dead-lettered. The names are the {@code reason_code} on the DLQ topic. */
public enum ReasonCode {
    /** user_id or item_id absent, null or empty. */
    MISSING_ID,
    /** an id longer than the configured limit. */
    ID_TOO_LONG,
    /** an id made only of whitespace. */
    BLANK_ID,
    /** an id holding a control character (U+0000-U+001F, U+007F-U+009F: NUL, tab, newline...). */
    CONTROL_CHARACTER_IN_ID,
    /** a string field holding invalid Unicode (an unpaired surrogate, e.g. the JSON escape \\uD800 alone). */
    INVALID_UNICODE,
    /** a JSON object that names the same key twice (which value wins would be undefined). */
    DUPLICATE_KEY,
    /** event_type not one of {@link EventType}. */
    UNKNOWN_EVENT_TYPE,
    /** value is NaN or infinite. */
    NON_FINITE_VALUE,
    /** event_time absent, not a time, or not positive. */
    BAD_EVENT_TIME,
    /** event_time further in the future than the configured skew allows. */
    FUTURE_EVENT_TIME,
    /** neither streamrec Avro nor JSON of the right shape. */
    UNDECODABLE,
    /** the record value is larger than the configured limit. */
    OVERSIZED,
    /** an item's text fields hold more characters in all than the configured limit. */
    TEXT_TOO_LONG,
    /** an item's modality vector is empty, too long, non-finite, or of another dimension than the modality's others. */
    BAD_VECTOR,
    /** a text field or modality name that is empty, too long, only whitespace or holds control characters. */
    BAD_FIELD_NAME
}
