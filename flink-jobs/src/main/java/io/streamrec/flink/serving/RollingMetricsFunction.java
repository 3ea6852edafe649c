package io.streamrec.flink.serving;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by model version: rolling NDCG@K and HitRate@K of the prequential scores, over tumbling
 * count windows ({@code count:N}, a point every N scored events of the version) and tumbling
 * event-time windows ({@code time:PT1M}, a point when an event of a later window arrives, or after
 * the version has scored nothing for {@code min(window, 30 s)} of processing time, so a superseded
 * version's last window is not left open). With one held-out item per event, Recall@K = HitRate@K.
 */
public final class RollingMetricsFunction extends KeyedProcessFunction<Long, Scored, MetricOut> {
  private static final long serialVersionUID = 1L;

  /** Sums over one window. A Flink POJO. */
  public static class Acc {
    public long start;
    public long n;
    public double ndcg;
    public double hits;
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

  public RollingMetricsFunction(int k, int countWindow, Duration timeWindow) {
    this.k = k;
    this.countWindow = countWindow;
    this.timeWindowMs = timeWindow.toMillis();
    this.idleFlushMs = Math.min(timeWindowMs, 30_000);
    this.timeLabel = "time:" + timeWindow;
  }

  @Override
  public void open(OpenContext ctx) {
    byCount = getRuntimeContext().getState(new ValueStateDescriptor<>("count-window", TypeInformation.of(Acc.class)));
    byTime = getRuntimeContext().getState(new ValueStateDescriptor<>("time-window", TypeInformation.of(Acc.class)));
  }

  /** NDCG@K of one held-out item at a 1-based rank (0: not ranked). */
  public static double ndcg(int rank, int k) {
    return rank >= 1 && rank <= k ? 1.0 / (Math.log(rank + 1) / Math.log(2)) : 0.0;
  }

  @Override
  public void processElement(Scored s, Context ctx, Collector<MetricOut> out) throws Exception {
    double g = ndcg(s.rank, k);
    double hit = s.rank >= 1 && s.rank <= k ? 1 : 0;
    long now = ctx.timerService().currentProcessingTime();

    Acc c = byCount.value();
    if (c == null) {
      c = new Acc();
    }
    c.n++;
    c.ndcg += g;
    c.hits += hit;
    if (c.n >= countWindow) {
      emit(out, c, ctx.getCurrentKey(), "count:" + countWindow, now);
      c = new Acc();
    }
    byCount.update(c);

    long start = Math.floorDiv(s.eventTime, timeWindowMs) * timeWindowMs;
    Acc t = byTime.value();
    if (t != null && start > t.start && t.n > 0) {
      emit(out, t, ctx.getCurrentKey(), timeLabel, now);
      t = null;
    }
    if (t == null) {
      t = new Acc();
      t.start = start;
    }
    t.n++;
    t.ndcg += g;
    t.hits += hit;
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
      emit(out, t, ctx.getCurrentKey(), timeLabel, timestamp);
      byTime.clear();
    } else { // events came meanwhile: look again when the last one is idleFlush old
      t.timer = t.lastEvent + idleFlushMs;
      ctx.timerService().registerProcessingTimeTimer(t.timer);
      byTime.update(t);
    }
  }

  private void emit(Collector<MetricOut> out, Acc a, long version, String window, long now) {
    out.collect(new MetricOut("ndcg@" + k, a.ndcg / a.n, version, window, a.n, now));
    out.collect(new MetricOut("hit_rate@" + k, a.hits / a.n, version, window, a.n, now));
  }
}
