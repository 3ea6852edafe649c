package io.streamrec.flink.serving;

/**
 * Sums of the scores one serving task made for one model version in one event-time window, since
 * its last flush ({@link ScoresPreAggregator}): what the rolling metrics combine, so no single key
 * sees every scored event. A Flink POJO.
 */
public class PartialScores {
  public long version;
  /** Start of the event-time window (epoch ms) of these events. */
  public long windowStart;
  /** New edges summed here, ranked or not. */
  public long events;
  /** Of which ranked. */
  public long n;
  public double ndcg;
  public double hits;
  public long recallN;
  public double recall;

  public PartialScores() {}

  public PartialScores(long version, long windowStart) {
    this.version = version;
    this.windowStart = windowStart;
  }
}
