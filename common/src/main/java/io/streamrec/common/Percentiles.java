package io.streamrec.common;

import java.util.Arrays;
import java.util.List;

/**
 * The one percentile rule of every figure streamrec publishes: the nearest rank. The q-quantile of
 * n samples is the ⌈q·n⌉-th smallest (1-based; the smallest for q·n ≤ 1), so it is always one of
 * the samples: p50 of {1, 2, 3, 4} is 2, p99 of 100 samples is the 99th, p99 of 10 is the largest.
 */
public final class Percentiles {
    private Percentiles() {}

    /** The 0-based index of the q-quantile in n sorted samples. */
    public static int index(int n, double q) {
        if (n <= 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile lies in [0, 1], got " + q);
        }
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1));
    }

    /** The q-quantile of {@code values} (not modified). */
    public static double of(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[index(s.length, q)];
    }

    /** The q-quantile of the first {@code n} of {@code sorted} (ascending). */
    public static long ofSorted(long[] sorted, int n, double q) {
        return sorted[index(n, q)];
    }

    /** The q-quantile of an ascending list. */
    public static double ofSorted(List<? extends Number> sorted, double q) {
        return sorted.get(index(sorted.size(), q)).doubleValue();
    }
}
