package io.streamrec.flink.serving;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Chained to each serving task: sums its scored events (and counts the new edges it did not rank) per (model version, event-time window) and
 * emits the sums when one reaches {@code flushEvery} events, every {@code flushMs} of processing
 * time, and before every checkpoint barrier, so nothing is held across a checkpoint and no state is
 * needed (events after a checkpoint are replayed and summed again on a restore).
 */
public final class ScoresPreAggregator extends AbstractStreamOperator<PartialScores>
        implements OneInputStreamOperator<Scored, PartialScores> {
    private static final long serialVersionUID = 1L;
    private final int k;
    private final long timeWindowMs;
    private final int flushEvery;
    private final long flushMs;
    private transient Map<Long, Map<Long, PartialScores>> open;

    /**
     * @param k the K of NDCG@K and HitRate@K
     * @param timeWindowMs event-time window of the rolling metrics
     * @param flushEvery emit a sum at this many events (at most the metrics count window)
     */
    public ScoresPreAggregator(int k, long timeWindowMs, int flushEvery, long flushMs) {
        this.k = k;
        this.timeWindowMs = timeWindowMs;
        this.flushEvery = flushEvery;
        this.flushMs = flushMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + flushMs, this::onTimer);
    }

    private void onTimer(long time) {
        flushAll();
        getProcessingTimeService().registerTimer(time + flushMs, this::onTimer);
    }

    @Override
    public void processElement(StreamRecord<Scored> element) {
        Scored s = element.getValue();
        long start = Math.floorDiv(s.eventTime, timeWindowMs) * timeWindowMs;
        PartialScores p = open.computeIfAbsent(s.version, v -> new HashMap<>())
                .computeIfAbsent(start, w -> new PartialScores(s.version, w));
        p.add(s, k);
        if (p.events >= flushEvery) {
            output.collect(new StreamRecord<>(p));
            open.get(s.version).remove(start);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushAll();
    }

    @Override
    public void finish() throws Exception {
        flushAll();
        super.finish();
    }

    private void flushAll() {
        for (Map<Long, PartialScores> byWindow : open.values()) {
            for (PartialScores p : byWindow.values()) {
                output.collect(new StreamRecord<>(p));
            }
        }
        open.clear();
    }
}
