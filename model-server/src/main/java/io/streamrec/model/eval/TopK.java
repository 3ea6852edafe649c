package io.streamrec.model.eval;

import java.util.Arrays;

/**
 * Top-K selection over one row of scores with excluded items removed. Ties are broken by the
 * lower item id, so results do not depend on the order of evaluation.
 */
public final class TopK {
    private TopK() {}

    /**
     * Writes the ids of the best {@code k} non-excluded items, best first, into {@code out}.
     *
     * @param scores scores of items 0..n-1 at {@code scores[offset + item]}
     * @param excludedSorted items never returned (sorted ascending)
     * @return how many were written: min(k, n − |excluded|)
     */
    public static int select(float[] scores, int offset, int n, int[] excludedSorted, int k, int[] out) {
        if (k <= 0) {
            return 0;
        }
        // A binary min-heap of the best so far; its root is the worst of them.
        int[] heap = new int[k];
        int size = 0;
        int ex = 0;
        for (int item = 0; item < n; item++) {
            while (ex < excludedSorted.length && excludedSorted[ex] < item) {
                ex++;
            }
            if (ex < excludedSorted.length && excludedSorted[ex] == item) {
                continue;
            }
            float s = scores[offset + item];
            if (size < k) {
                heap[size] = item;
                siftUp(heap, size++, scores, offset);
            } else if (better(s, item, scores[offset + heap[0]], heap[0])) {
                heap[0] = item;
                siftDown(heap, size, scores, offset);
            }
        }
        Integer[] boxed = new Integer[size];
        for (int j = 0; j < size; j++) {
            boxed[j] = heap[j];
        }
        Arrays.sort(boxed, (a, b) -> better(scores[offset + a], a, scores[offset + b], b) ? -1 : (a.equals(b) ? 0 : 1));
        for (int j = 0; j < size; j++) {
            out[j] = boxed[j];
        }
        return size;
    }

    /** True when (sa, a) ranks above (sb, b): higher score, or equal score and lower id. NaN ranks last. */
    static boolean better(float sa, int a, float sb, int b) {
        if (Float.isNaN(sa)) {
            return Float.isNaN(sb) && a < b;
        }
        if (Float.isNaN(sb) || sa > sb) {
            return true;
        }
        return sa == sb && a < b;
    }

    private static void siftUp(int[] h, int i, float[] s, int off) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (better(s[off + h[parent]], h[parent], s[off + h[i]], h[i])) {
                swap(h, parent, i);
                i = parent;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] h, int size, float[] s, int off) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int worst = l;
            int r = l + 1;
            if (r < size && better(s[off + h[l]], h[l], s[off + h[r]], h[r])) {
                worst = r;
            }
            if (better(s[off + h[i]], h[i], s[off + h[worst]], h[worst])) {
                swap(h, i, worst);
                i = worst;
            } else {
                return;
            }
        }
    }

    private static void swap(int[] h, int a, int b) {
        int t = h[a];
        h[a] = h[b];
        h[b] = t;
    }
}
