package io.streamrec.serving;

/**
 * The one NDCG of streamrec (serving's rolling metrics, the prequential benchmark, the offline
 * evaluator): a hit at 1-based rank r gains 1 / log2(r + 1), and a ranking's DCG@K is divided by
 * the ideal DCG of min(relevant, K) hits (docs/METHODS.md, "Evaluation"). Also HitRate@K, and the
 * interval of a paired comparison of two scorers on the same events.
 */
public final class RankingMetrics {
    private static final double LN2 = Math.log(2);

    private RankingMetrics() {}

    /** DCG's gain of a hit at 1-based {@code rank}: 1 / log2(rank + 1). */
    public static double gain(int rank) {
        return LN2 / Math.log(rank + 1);
    }

    /** The ideal DCG of {@code hits} relevant items ranked first: the gains of ranks 1..hits. */
    public static double idealDcg(int hits) {
        double s = 0;
        for (int r = 1; r <= hits; r++) {
            s += gain(r);
        }
        return s;
    }

    /** NDCG@K of one held-out item at 1-based {@code rank} (0: not ranked, a miss): its gain, as its ideal DCG is 1. */
    public static double ndcg(int rank, int k) {
        return rank >= 1 && rank <= k ? gain(rank) : 0.0;
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
