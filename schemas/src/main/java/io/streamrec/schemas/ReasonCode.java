package io.streamrec.schemas;

/** Why an input record was dead-lettered. The names are the {@code reason_code} on the DLQ topic. */
public enum ReasonCode {
  /** user_id or item_id absent, null or empty. */
  MISSING_ID,
  /** an id longer than the configured limit. */
  ID_TOO_LONG,
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
  OVERSIZED
}
