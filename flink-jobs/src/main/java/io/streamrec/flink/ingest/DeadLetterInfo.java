package io.streamrec.flink.ingest;

/** An input record set aside: why, where from, its exact bytes. Becomes a {@code DeadLetter} on the DLQ topic. */
public final class DeadLetterInfo {
    public String reasonCode;
    public String reason;
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    public long time;

    public DeadLetterInfo() {}

    public DeadLetterInfo(
            String reasonCode,
            String reason,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            long time) {
        this.reasonCode = reasonCode;
        this.reason = reason;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.time = time;
    }
}
