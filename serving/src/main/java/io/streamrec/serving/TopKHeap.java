package io.streamrec.serving;

import java.util.function.IntPredicate;

/**
 * The one top-K selection of streamrec (serving's exact scans, the offline evaluator): the best K
 * ids offered so far in a min-heap on (score, then the higher id is worse), so ties go to the
 * lower id whatever the order of offers, and NaN ranks below every number. Excluded ids (a user's
 * seen items) are asked about only for candidates that would enter the heap. Writes into the
 * caller's arrays; {@link #finish} sorts them best first.
 */
public final class TopKHeap {
    private final int[] ids;
    private final float[] scores;
    private final int k;
    private final IntPredicate excluded;
    private int n;

    /** Keeps up to {@code ids.length} ids in {@code ids} / {@code scores}; {@code excluded} may be null (none). */
    public TopKHeap(int[] ids, float[] scores, IntPredicate excluded) {
        this.ids = ids;
        this.scores = scores;
        this.k = ids.length;
        this.excluded = excluded;
    }

    TopKHeap(ServingCore.TopK out, ItemTable table, UserState user) {
        this(out.rows, out.scores, user.seenCount == 0 ? null : row -> user.hasSeen(table.key(row)));
    }

    /**
     * Writes the ids of the best {@code k} items of {@code scores[offset .. offset + n)}, excluding the
     * (ascending) {@code excludedSorted}, best first into {@code out}; returns how many: min(k, n − excluded).
     */
    public static int select(float[] scores, int offset, int n, int[] excludedSorted, int k, int[] out) {
        if (k <= 0) {
            return 0;
        }
        TopKHeap heap = new TopKHeap(new int[k], new float[k], null);
        int ex = 0;
        for (int item = 0; item < n; item++) {
            while (ex < excludedSorted.length && excludedSorted[ex] < item) {
                ex++;
            }
            if (ex < excludedSorted.length && excludedSorted[ex] == item) {
                continue;
            }
            heap.offer(item, scores[offset + item]);
        }
        int size = heap.finish();
        System.arraycopy(heap.ids, 0, out, 0, size);
        return size;
    }

    boolean full() {
        return n == k;
    }

    /** The worst score kept (valid once {@link #full}). */
    float min() {
        return scores[0];
    }

    public void offer(int id, float x) {
        if (k == 0) {
            return;
        }
        if (n < k) {
            if (excluded == null || !excluded.test(id)) {
                ids[n] = id;
                scores[n] = x;
                up(n++);
            }
        } else if (worse(scores[0], ids[0], x, id) && (excluded == null || !excluded.test(id))) {
            ids[0] = id;
            scores[0] = x;
            down(n);
        }
    }

    /** Sorts the kept ids best first in place; returns how many. */
    public int finish() {
        for (int i = n - 1; i > 0; i--) {
            swap(0, i);
            down(i);
        }
        return n;
    }

    /** True when (sa, a) ranks below (sb, b): a lower score, or the same score and a higher id; NaN below every number. */
    static boolean worse(float sa, int a, float sb, int b) {
        if (Float.isNaN(sa) || Float.isNaN(sb)) {
            return Float.isNaN(sa) && (!Float.isNaN(sb) || a > b);
        }
        return sa < sb || (sa == sb && a > b);
    }

    private boolean worse(int i, int j) {
        return worse(scores[i], ids[i], scores[j], ids[j]);
    }

    private void up(int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!worse(i, p)) {
                return;
            }
            swap(i, p);
            i = p;
        }
    }

    private void down(int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < size && worse(l, m)) {
                m = l;
            }
            if (r < size && worse(r, m)) {
                m = r;
            }
            if (m == i) {
                return;
            }
            swap(i, m);
            i = m;
        }
    }

    private void swap(int a, int b) {
        int t = ids[a];
        ids[a] = ids[b];
        ids[b] = t;
        float x = scores[a];
        scores[a] = scores[b];
        scores[b] = x;
    }
}
