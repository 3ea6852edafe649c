package io.streamrec.serving;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The most-popular baseline scored beside the model: items ranked by their time-decayed count of
 * new edges, from the events the owner has seen (a serving task: the events of its users), with a
 * half-life in event time. Forward decay: an event at time t adds 2^((t − t₀)/h), so the order of
 * two items never has to be recomputed as time passes, and the weights are rescaled (all of them,
 * once) before they would overflow.
 *
 * <p>Cost is bounded whatever the catalog: {@link #observe} is a map update and at most a few moves
 * in the kept list of the {@code listSize} heaviest items; {@link #rank} walks that list only. The
 * rank it gives is the exact 1-based rank among the items the user has not interacted with when the
 * target is in the list, and 0 (a miss, as the model's ranks) when it is not: exact for NDCG@K and
 * HitRate@K with K ≤ the list's unseen items, which the list's size keeps true unless a user has
 * seen nearly all of the most popular items. The weights of at most {@code capacity} items are kept
 * (the lightest half of the others dropped when it is exceeded, never a listed item), so memory does
 * not follow the catalog either. Not thread-safe.
 */
public final class MostPopular {
    /** Items in the kept list of the heaviest (what {@link #rank} can place). */
    public static final int DEFAULT_LIST_SIZE = 200;
    /** Items whose weights are kept. */
    public static final int DEFAULT_CAPACITY = 20_000;

    private static final double RESCALE_EXPONENT = 512; // 2^512 is far from overflow; weights are rescaled past it

    private final double halfLifeMs;
    private final int listSize;
    private final int capacity;
    private final Map<Long, double[]> weights = new HashMap<>();
    private final long[] list;
    private int listed;
    private long origin = Long.MIN_VALUE; // t₀ of the forward decay; set by the first event

    public MostPopular(long halfLifeMs, int listSize, int capacity) {
        if (halfLifeMs <= 0) {
            throw new IllegalArgumentException("popularity half-life must be positive, got " + halfLifeMs + " ms");
        }
        if (listSize < 1 || capacity < listSize) {
            throw new IllegalArgumentException(
                    "popularity list of " + listSize + " items needs a capacity of at least as many, got " + capacity);
        }
        this.halfLifeMs = halfLifeMs;
        this.listSize = listSize;
        this.capacity = capacity;
        this.list = new long[listSize];
    }

    public MostPopular(long halfLifeMs) {
        this(halfLifeMs, DEFAULT_LIST_SIZE, DEFAULT_CAPACITY);
    }

    /** Counts one new edge to {@code key} at event time {@code time}. */
    public void observe(long key, long time) {
        if (origin == Long.MIN_VALUE) {
            origin = time;
        }
        double exponent = (time - origin) / halfLifeMs;
        if (exponent > RESCALE_EXPONENT) {
            rescale(time);
            exponent = 0;
        }
        double[] w = weights.get(key);
        if (w == null) {
            if (weights.size() >= capacity) {
                prune();
            }
            w = new double[2]; // weight, and position in the list + 1 (0: not listed)
            weights.put(key, w);
        }
        w[0] += Math.pow(2, exponent);
        int at = (int) w[1] - 1;
        if (at < 0) {
            if (listed < listSize) {
                at = listed++;
            } else if (heavier(key, w[0], list[listSize - 1])) {
                at = listSize - 1;
                weights.get(list[at])[1] = 0;
            } else {
                return;
            }
            list[at] = key;
            w[1] = at + 1;
        }
        while (at > 0 && heavier(key, w[0], list[at - 1])) { // move up past the lighter ones
            long other = list[at - 1];
            list[at] = other;
            weights.get(other)[1] = at + 1;
            at--;
            list[at] = key;
            w[1] = at + 1;
        }
    }

    /** Heavier first; equal weights by key, so the order is the same in every run. */
    private boolean heavier(long key, double weight, long other) {
        double o = weights.get(other)[0];
        return weight > o || weight == o && key < other;
    }

    /**
     * 1-based rank of {@code key} among the listed items {@code u} has not interacted with (the
     * target itself is counted as not seen); 0 when it is not listed.
     */
    public int rank(UserState u, long key) {
        double[] w = weights.get(key);
        if (w == null || w[1] == 0) {
            return 0;
        }
        int at = (int) w[1] - 1;
        int rank = 1;
        for (int i = 0; i < at; i++) {
            if (!u.hasSeen(list[i])) {
                rank++;
            }
        }
        return rank;
    }

    /** The listed items, heaviest first. */
    public long[] top() {
        return Arrays.copyOf(list, listed);
    }

    /** Items whose weights are kept. */
    public int tracked() {
        return weights.size();
    }

    /** The current weight of {@code key} in units of one event now (0 when not tracked). */
    public double weight(long key, long now) {
        double[] w = weights.get(key);
        return w == null ? 0 : w[0] / Math.pow(2, (now - origin) / halfLifeMs);
    }

    private void rescale(long time) {
        double factor = Math.pow(2, -(time - origin) / halfLifeMs);
        for (double[] w : weights.values()) {
            w[0] *= factor;
        }
        origin = time;
    }

    /** Drops the lighter half of the unlisted items. */
    private void prune() {
        double[] unlisted = new double[weights.size()];
        int n = 0;
        for (double[] w : weights.values()) {
            if (w[1] == 0) {
                unlisted[n++] = w[0];
            }
        }
        Arrays.sort(unlisted, 0, n);
        double median = n == 0 ? Double.NEGATIVE_INFINITY : unlisted[n / 2];
        weights.values().removeIf(w -> w[1] == 0 && w[0] <= median);
    }

    /**
     * The weights to keep across a restart, each on an absolute scale that needs no origin (so any
     * share of them restores on its own): log₂ of the sum of 2^(t/h) over the item's events.
     */
    public Map<Long, Double> snapshot() {
        Map<Long, Double> out = new HashMap<>();
        for (Map.Entry<Long, double[]> e : weights.entrySet()) {
            out.put(e.getKey(), Math.log(e.getValue()[0]) / Math.log(2) + origin / halfLifeMs);
        }
        return out;
    }

    /** Adds weights from {@link #snapshot} (of this or another instance) to this one's. */
    public void restore(Map<Long, Double> absolute) {
        if (absolute.isEmpty()) {
            return;
        }
        if (origin == Long.MIN_VALUE) {
            double newest = Double.NEGATIVE_INFINITY;
            for (double v : absolute.values()) {
                newest = Math.max(newest, v);
            }
            origin = (long) (newest * halfLifeMs);
        }
        for (Map.Entry<Long, Double> e : absolute.entrySet()) {
            weights.computeIfAbsent(e.getKey(), k -> new double[2])[0] +=
                    Math.pow(2, e.getValue() - origin / halfLifeMs);
        }
        relist();
    }

    private void relist() {
        Long[] keys = weights.keySet().toArray(new Long[0]);
        Arrays.sort(keys, (a, b) -> {
            double wa = weights.get(a)[0];
            double wb = weights.get(b)[0];
            return wa != wb ? Double.compare(wb, wa) : Long.compare(a, b);
        });
        for (double[] w : weights.values()) {
            w[1] = 0;
        }
        listed = Math.min(listSize, keys.length);
        for (int i = 0; i < listed; i++) {
            list[i] = keys[i];
            weights.get(keys[i])[1] = i + 1;
        }
    }
}
