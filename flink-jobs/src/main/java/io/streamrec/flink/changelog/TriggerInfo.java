package io.streamrec.flink.changelog;

/** A training trigger as the sequencer emits it; becomes a {@code TrainingTrigger} record. */
public final class TriggerInfo {
    public long triggerId;
    public long throughSeq;
    public long edgesSincePrevious;
    /** true: the edge count was reached; false: the interval elapsed. */
    public boolean byCount;

    public int partitions;
    public long time;

    public TriggerInfo() {}

    public TriggerInfo(
            long triggerId, long throughSeq, long edgesSincePrevious, boolean byCount, int partitions, long time) {
        this.triggerId = triggerId;
        this.throughSeq = throughSeq;
        this.edgesSincePrevious = edgesSincePrevious;
        this.byCount = byCount;
        this.partitions = partitions;
        this.time = time;
    }

    @Override
    public String toString() {
        return "trigger " + triggerId + " through seq " + throughSeq + " (" + edgesSincePrevious + " edges, "
                + (byCount ? "count" : "interval") + ")";
    }
}
