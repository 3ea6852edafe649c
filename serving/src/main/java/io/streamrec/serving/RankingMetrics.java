package io.streamrec.serving;

/** NDCG@K and HitRate@K of one held-out item at a 1-based rank (0: not ranked, a miss). */
public final class RankingMetrics {
  private RankingMetrics() {}

  public static double ndcg(int rank, int k) {
    return rank >= 1 && rank <= k ? 1.0 / (Math.log(rank + 1) / Math.log(2)) : 0.0;
  }

  public static double hit(int rank, int k) {
    return rank >= 1 && rank <= k ? 1.0 : 0.0;
  }
}
