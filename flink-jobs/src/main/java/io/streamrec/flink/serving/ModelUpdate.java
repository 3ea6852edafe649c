package io.streamrec.flink.serving;

/**
 * One record of a model version as read from the embeddings topic: a user vector, an item vector,
 * or the version's commit marker. A Flink POJO.
 */
public class ModelUpdate {
    public static final byte USER = 0;
    public static final byte ITEM = 1;
    public static final byte COMMIT = 2;

    public byte kind;
    public String id;
    public long version;
    public float[] vector;
    /** COMMIT: when the trigger that caused the version was made. */
    public long triggerTime;
    /** COMMIT: how many item records the version has. */
    public int items;

    public long throughSeq;
    /** COMMIT: 0 for a full version; else the version this one is a delta on. */
    public long baseVersion;
    /** COMMIT of a delta: items withdrawn since the base version (never null). */
    public String[] removed = new String[0];
    /** Where the record is in the embeddings topic (-1 when not read from Kafka). */
    public long offset = -1;

    public ModelUpdate() {}

    public ModelUpdate(
            byte kind, String id, long version, float[] vector, long triggerTime, int items, long throughSeq) {
        this.kind = kind;
        this.id = id;
        this.version = version;
        this.vector = vector;
        this.triggerTime = triggerTime;
        this.items = items;
        this.throughSeq = throughSeq;
    }
}
