package io.streamrec.flink.serving;

import io.streamrec.serving.RankingMetrics;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by model version: rolling NDCG@K and HitRate@K of the prequential scores (pre-aggregated
 * per serving task by {@link ScoresPreAggregator}), over tumbling count windows ({@code count:N}, a
 * point once at least N ranked events of the version are summed; its {@code samples} says how
 * many) and tumbling
 * event-time windows ({@code time:PT1M}, a point when an event of a later window arrives, or after
 * the version has scored nothing for {@code min(window, 30 s)} of processing time, so a superseded
 * version's last window is not left open). With one held-out item per event, Recall@K = HitRate@K.
 * Where the version serves top-K from an HNSW index, {@code ann_recall@K} (the index's top-K against
 * the exact top-K on the ranked events' queries) comes with each point. Each time-window point also
 * says how many new edges the version saw in it, ranked or not ({@code new_edges}; version 0: before
 * any version was live): summed over a run they are the changelog's additions, once each.
 */
public final class RollingMetricsFunction extends KeyedProcessFunction<Long, PartialScores, MetricOut> {
    private static final long serialVersionUID = 1L;

    /** Sums over one window, or over the version's life (the paired comparisons). A Flink POJO. */
    public static class Acc extends PartialScores {
        /** Processing time of the window's last event, and of its pending idle timer (0: none). */
        public long lastEvent;

        public long timer;
    }

    private final int k;
    private final int countWindow;
    private final long timeWindowMs;
    private final long idleFlushMs;
    private final String timeLabel;
    private transient ValueState<Acc> byCount;
    private transient ValueState<Acc> byTime;
    private transient ValueState<Acc> total;

    public RollingMetricsFunction(int k, int countWindow, Duration timeWindow) {
        this.k = k;
        this.countWindow = countWindow;
        this.timeWindowMs = timeWindow.toMillis();
        this.idleFlushMs = Math.min(timeWindowMs, 30_000);
        this.timeLabel = "time:" + timeWindow;
    }

    @Override
    public void open(OpenContext ctx) {
        byCount =
                getRuntimeContext().getState(new ValueStateDescriptor<>("count-window", TypeInformation.of(Acc.class)));
        byTime = getRuntimeContext().getState(new ValueStateDescriptor<>("time-window", TypeInformation.of(Acc.class)));
        total = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("version-total", TypeInformation.of(Acc.class)));
    }

    @Override
    public void processElement(PartialScores p, Context ctx, Collector<MetricOut> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();

        Acc c = byCount.value();
        if (c == null) {
            c = new Acc();
        }
        c.add(p);
        if (c.n >= countWindow) {
            emit(out, c, ctx.getCurrentKey(), "count:" + countWindow, now, false);
            c = new Acc();
        }
        byCount.update(c);

        long start = p.windowStart;
        Acc all = total.value();
        if (all == null) {
            all = new Acc();
        }
        all.add(p);
        total.update(all);

        Acc t = byTime.value();
        if (t != null && start > t.windowStart && t.events > 0) {
            emit(out, t, ctx.getCurrentKey(), timeLabel, now, true);
            emitPaired(out, all, ctx.getCurrentKey(), now);
            t = null;
        }
        if (t == null) {
            t = new Acc();
            t.windowStart = start;
        }
        t.add(p);
        t.lastEvent = now;
        if (t.timer == 0) {
            t.timer = now + idleFlushMs;
            ctx.timerService().registerProcessingTimeTimer(t.timer);
        }
        byTime.update(t);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricOut> out) throws Exception {
        Acc t = byTime.value();
        if (t == null || t.timer != timestamp) {
            return; // a timer of a window already emitted
        }
        if (timestamp - t.lastEvent >= idleFlushMs) {
            emit(out, t, ctx.getCurrentKey(), timeLabel, timestamp, true);
            Acc all = total.value();
            if (all != null) {
                emitPaired(out, all, ctx.getCurrentKey(), timestamp);
            }
            byTime.clear();
        } else { // events came meanwhile: look again when the last one is idleFlush old
            t.timer = t.lastEvent + idleFlushMs;
            ctx.timerService().registerProcessingTimeTimer(t.timer);
            byTime.update(t);
        }
    }

    private void emit(Collector<MetricOut> out, Acc a, long version, String window, long now, boolean withEvents) {
        if (withEvents) { // the time windows partition the version's events: summed over them, every new edge once
            out.collect(new MetricOut("new_edges", a.events, version, window, a.events, now));
        }
        if (a.n == 0) {
            return;
        }
        out.collect(new MetricOut("ndcg@" + k, a.ndcg / a.n, version, window, a.n, now));
        out.collect(new MetricOut("hit_rate@" + k, a.hits / a.n, version, window, a.n, now));
        if (a.recallN > 0) {
            out.collect(new MetricOut("ann_recall@" + k, a.recall / a.recallN, version, window, a.recallN, now));
        }
        out.collect(new MetricOut("ndcg@" + k, a.popularNdcg / a.n, version, window, a.n, now)
                .scorer(MetricOut.MOST_POPULAR));
        out.collect(new MetricOut("hit_rate@" + k, a.popularHits / a.n, version, window, a.n, now)
                .scorer(MetricOut.MOST_POPULAR));
        out.collect(new MetricOut("ndcg@" + k, a.randomNdcg / a.n, version, window, a.n, now).scorer(MetricOut.RANDOM));
        out.collect(
                new MetricOut("hit_rate@" + k, a.randomHits / a.n, version, window, a.n, now).scorer(MetricOut.RANDOM));
    }

    /**
     * The version's paired comparisons so far, each on the same events: its NDCG@K minus the previous
     * version's, and minus most-popular's, with a 95% interval ({@code paired_ndcg@K}).
     */
    private void emitPaired(Collector<MetricOut> out, Acc a, long version, long now) {
        String name = "paired_ndcg@" + k;
        if (a.pairN > 0) {
            out.collect(new MetricOut(name, a.pairDiff / a.pairN, version, "version", a.pairN, now)
                    .against(
                            "v" + a.previousVersion,
                            RankingMetrics.pairedInterval(a.pairN, a.pairDiff, a.pairDiffSquares)));
        }
        if (a.n > 0) {
            out.collect(new MetricOut(name, a.popularDiff / a.n, version, "version", a.n, now)
                    .against(
                            MetricOut.MOST_POPULAR,
                            RankingMetrics.pairedInterval(a.n, a.popularDiff, a.popularDiffSquares)));
        }
    }
}
