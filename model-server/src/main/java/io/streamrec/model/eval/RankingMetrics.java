package io.streamrec.model.eval;

import static io.streamrec.serving.RankingMetrics.gain;
import static io.streamrec.serving.RankingMetrics.idealDcg;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Precision, Recall and NDCG at several K (docs/METHODS.md, "Evaluation"), averaged over the users that have
 * test items. Per user: hits = test items in the top K; P@K = hits / K; R@K = hits / |test|;
 * NDCG@K = Σ_{hit at rank r ≤ K} 1/log2(r+1) over the ideal DCG of min(|test|, K) hits: serving's
 * {@link io.streamrec.serving.RankingMetrics}, the one definition.
 */
public final class RankingMetrics {
    public static final int[] DEFAULT_KS = {5, 10, 20, 50};

    private final int[] ks;
    private final double[] precision;
    private final double[] recall;
    private final double[] ndcg;
    private long users;

    public RankingMetrics(int[] ks) {
        this.ks = ks.clone();
        Arrays.sort(this.ks);
        this.precision = new double[ks.length];
        this.recall = new double[ks.length];
        this.ndcg = new double[ks.length];
    }

    public int maxK() {
        return ks[ks.length - 1];
    }

    /**
     * Adds one user.
     *
     * @param ranked the user's ranking, best first ({@code count} entries, at least min(maxK, candidates))
     * @param testSorted the user's test items, sorted; a user without test items is not counted
     */
    public void addUser(int[] ranked, int count, int[] testSorted) {
        if (testSorted.length == 0) {
            return;
        }
        users++;
        int hits = 0;
        double dcg = 0;
        int next = 0;
        for (int r = 0; r < maxK(); r++) {
            if (r < count && Arrays.binarySearch(testSorted, ranked[r]) >= 0) {
                hits++;
                dcg += gain(r + 1);
            }
            while (next < ks.length && ks[next] == r + 1) {
                int k = ks[next];
                precision[next] += (double) hits / k;
                recall[next] += (double) hits / testSorted.length;
                ndcg[next] += dcg / idealDcg(Math.min(testSorted.length, k));
                next++;
            }
        }
    }

    /** Merges another accumulator over the same K into this one. */
    public synchronized void merge(RankingMetrics other) {
        if (!Arrays.equals(ks, other.ks)) {
            throw new IllegalArgumentException("different K");
        }
        for (int j = 0; j < ks.length; j++) {
            precision[j] += other.precision[j];
            recall[j] += other.recall[j];
            ndcg[j] += other.ndcg[j];
        }
        users += other.users;
    }

    public long users() {
        return users;
    }

    public double precision(int k) {
        return mean(precision, k);
    }

    public double recall(int k) {
        return mean(recall, k);
    }

    public double ndcg(int k) {
        return mean(ndcg, k);
    }

    public int[] ks() {
        return ks.clone();
    }

    /** {"precision@5": .., "recall@5": .., "ndcg@5": .., ...} in K order. */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : ks) {
            m.put("precision@" + k, precision(k));
            m.put("recall@" + k, recall(k));
            m.put("ndcg@" + k, ndcg(k));
        }
        return m;
    }

    private double mean(double[] sums, int k) {
        int j = Arrays.binarySearch(ks, k);
        if (j < 0) {
            throw new IllegalArgumentException("K=" + k + " was not evaluated; have " + Arrays.toString(ks));
        }
        return users == 0 ? 0.0 : sums[j] / users;
    }
}
