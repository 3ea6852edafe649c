package io.streamrec.model.itemgraph;

import java.util.Arrays;

/**
 * Directed top-k neighbour lists of an item–item graph: for item i, up to k other items, best first
 * (weight descending, then id ascending, so a list is a function of the weights alone and a streaming
 * update can equal a rebuild exactly). An item without neighbours has an empty list.
 */
public final class Neighbours {
    private final int k;
    private int[][] ids;
    private float[][] weights;

    public Neighbours(int numItems, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.k = k;
        this.ids = new int[numItems][];
        this.weights = new float[numItems][];
        for (int i = 0; i < numItems; i++) {
            ids[i] = new int[0];
            weights[i] = new float[0];
        }
    }

    public int k() {
        return k;
    }

    public int numItems() {
        return ids.length;
    }

    /** Room for items up to {@code numItems} (new ones start with empty lists). */
    public void grow(int numItems) {
        int old = ids.length;
        if (numItems <= old) {
            return;
        }
        ids = Arrays.copyOf(ids, numItems);
        weights = Arrays.copyOf(weights, numItems);
        for (int i = old; i < numItems; i++) {
            ids[i] = new int[0];
            weights[i] = new float[0];
        }
    }

    public int[] ids(int item) {
        return ids[item];
    }

    public float[] weights(int item) {
        return weights[item];
    }

    public void set(int item, int[] neighbourIds, float[] neighbourWeights) {
        if (neighbourIds.length != neighbourWeights.length || neighbourIds.length > k) {
            throw new IllegalArgumentException("item " + item + ": " + neighbourIds.length + " ids, "
                    + neighbourWeights.length + " weights, k = " + k);
        }
        ids[item] = neighbourIds;
        weights[item] = neighbourWeights;
    }

    /** Whether (w, id) ranks before (w2, id2): higher weight first, then lower id. */
    static boolean before(float w, int id, float w2, int id2) {
        return w > w2 || (w == w2 && id < id2);
    }

    /**
     * Offers {@code cand} with weight {@code w} to {@code item}'s list; returns whether it entered. The
     * list stays sorted and at most k long.
     */
    public boolean offer(int item, int cand, float w) {
        int[] li = ids[item];
        float[] lw = weights[item];
        int n = li.length;
        if (n == k && !before(w, cand, lw[n - 1], li[n - 1])) {
            return false;
        }
        int pos = 0;
        while (pos < n && before(lw[pos], li[pos], w, cand)) {
            pos++;
        }
        int m = Math.min(k, n + 1);
        int[] ni = new int[m];
        float[] nw = new float[m];
        System.arraycopy(li, 0, ni, 0, pos);
        System.arraycopy(lw, 0, nw, 0, pos);
        ni[pos] = cand;
        nw[pos] = w;
        System.arraycopy(li, pos, ni, pos + 1, m - pos - 1);
        System.arraycopy(lw, pos, nw, pos + 1, m - pos - 1);
        ids[item] = ni;
        weights[item] = nw;
        return true;
    }

    /** Removes {@code cand} from {@code item}'s list; returns whether it was there. */
    public boolean remove(int item, int cand) {
        int[] li = ids[item];
        for (int p = 0; p < li.length; p++) {
            if (li[p] == cand) {
                int[] ni = new int[li.length - 1];
                float[] nw = new float[li.length - 1];
                System.arraycopy(li, 0, ni, 0, p);
                System.arraycopy(weights[item], 0, nw, 0, p);
                System.arraycopy(li, p + 1, ni, p, li.length - p - 1);
                System.arraycopy(weights[item], p + 1, nw, p, li.length - p - 1);
                ids[item] = ni;
                weights[item] = nw;
                return true;
            }
        }
        return false;
    }

    /** Directed edges in all lists. */
    public long edges() {
        long e = 0;
        for (int[] l : ids) {
            e += l.length;
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Neighbours other) || other.ids.length != ids.length) {
            return false;
        }
        for (int i = 0; i < ids.length; i++) {
            if (!Arrays.equals(ids[i], other.ids[i]) || !Arrays.equals(weights[i], other.weights[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(ids);
    }

    /** The first item whose list differs from {@code other}'s, described; null when equal (room for more items, empty, is no difference). */
    public String firstDifference(Neighbours other) {
        int[] none = new int[0];
        float[] noWeights = new float[0];
        for (int i = 0; i < Math.max(ids.length, other.ids.length); i++) {
            int[] a = i < ids.length ? ids[i] : none;
            int[] b = i < other.ids.length ? other.ids[i] : none;
            float[] wa = i < ids.length ? weights[i] : noWeights;
            float[] wb = i < other.ids.length ? other.weights[i] : noWeights;
            if (!Arrays.equals(a, b) || !Arrays.equals(wa, wb)) {
                return "item " + i + ": " + Arrays.toString(a) + Arrays.toString(wa) + " vs " + Arrays.toString(b)
                        + Arrays.toString(wb);
            }
        }
        return null;
    }
}
