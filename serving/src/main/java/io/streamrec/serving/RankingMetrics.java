package io.streamrec.serving;

/**
 * NDCG@K and HitRate@K of one held-out item at a 1-based rank (0: not ranked, a miss), and the
 * interval of a paired comparison of two scorers on the same events.
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  public static double ndcg(int rank, int k) {
    return rank >= 1 && rank <= k ? 1.0 / (Math.log(rank + 1) / Math.log(2)) : 0.0;
  }

  public static double hit(int rank, int k) {
    return rank >= 1 && rank <= k ? 1.0 : 0.0;
  }

  /**
   * The 95% interval of the mean of n paired differences (one per event: scorer A's NDCG minus
   * scorer B's) from their sum and sum of squares, by the normal approximation (mean ± 1.96 standard
   * errors; the sample variance with n − 1): {lower, upper}; NaNs below 2 events.
   */
  public static double[] pairedInterval(long n, double sum, double sumSquares) {
    if (n < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double mean = sum / n;
    double variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
    double half = 1.96 * Math.sqrt(variance / n);
    return new double[] {mean - half, mean + half};
  }
}
