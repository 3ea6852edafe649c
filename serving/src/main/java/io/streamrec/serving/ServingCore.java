package io.streamrec.serving;

import java.util.Arrays;
import org.apache.lucene.util.Bits;

/**
 * The serving computations, one implementation of each, used by the graph job's serving operator
 * and by {@code bench-prequential}:
 *
 * <ul>
 *   <li>{@link #place}: which served version scores a user, and the user's vector in it. A user with
 *       a vector of a served version (of a delta version: a vector of it or of an earlier version,
 *       since a delta carries only the users that moved) is scored by the newest such version, with the items taken
 *       since its newest vector arrived folded in ({@link FoldIn}). A user no served version knows is
 *       placed at the mean of its items' vectors in the newest version; a user with none of those
 *       (no items, or only items the version does not have) at the version's mean user vector
 *       (what the model says an average user likes; published with the version's COMMIT), or at the
 *       mean item vector when the version has none: the one rule for users without items, offline
 *       and in the stream.
 *   <li>{@link #rank}: the exact 1-based rank of the target among the items the user has not
 *       interacted with (strictly higher scores only, so ties count in the target's favour); 0 when
 *       the version does not have the item (a miss, never a fallback ranking).
 *   <li>{@link #topK}: the best K items the user has not interacted with; an exact scan, or the
 *       table's HNSW index when it has one.
 * </ul>
 */
public final class ServingCore {
    private ServingCore() {}

    /** A user's vector in one served version. {@code known}: the version has a vector of this user. */
    public record Placement(ItemTable table, float[] vector, boolean known) {}

    /**
     * @param served committed tables, newest first (at least one)
     */
    public static Placement place(UserState u, ItemTable[] served) {
        for (ItemTable t : served) {
            float[] v = t.delta() ? u.vectorAtOrBefore(t.version()) : u.vector(t.version());
            if (v != null
                    && v.length == t.dim()) { // a vector of another dimension than its version's items is not used
                return new Placement(t, foldIn(u, t, v, t.version()), true);
            }
        }
        ItemTable t = served[0];
        ensureSum(u, t, 0);
        if (u.sumCount == 0) {
            return new Placement(t, t.coldUser(), false);
        }
        float[] mean = u.sum.clone();
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= u.sumCount;
        }
        return new Placement(t, mean, false);
    }

    private static float[] foldIn(UserState u, ItemTable t, float[] v, long basis) {
        if (u.sinceCount == 0) {
            return v;
        }
        ensureSum(u, t, basis);
        // FoldIn.blend weighs directions, so the sum of the new items' vectors stands for their mean
        return u.sumCount == 0 ? v : FoldIn.blend(v, Math.max(1, u.itemsAtVector), u.sum, u.sumCount);
    }

    /** Makes {@code u.sum} the sum, in {@code t}, of the items since the vector (known user) or of all items (basis 0). */
    private static void ensureSum(UserState u, ItemTable t, long basis) {
        if (u.sumTable == t.version() && u.sumBasis == basis && u.sum != null && u.sum.length == t.dim()) {
            return;
        }
        float[] sum = new float[t.dim()];
        int n = 0;
        long[] keys = basis == 0 ? u.seen : u.since;
        int count = basis == 0 ? u.seenCount : u.sinceCount;
        for (int i = 0; i < count; i++) {
            int row = t.row(keys[i]);
            if (row >= 0) {
                t.addTo(row, sum);
                n++;
            }
        }
        u.sum = sum;
        u.sumCount = n;
        u.sumTable = t.version();
        u.sumBasis = basis;
    }

    /** 1-based rank of row {@code target} among the rows the user has not interacted with; 0 when {@code target < 0}. */
    public static int rank(ItemTable t, float[] q, int target, UserState u) {
        if (target < 0) {
            return 0;
        }
        float s = t.score(target, q);
        int above = VectorMath.KERNEL.countAbove(t.panels(), t.size(), t.dim(), q, s);
        return above - seenAbove(t, q, s, target, u) + 1;
    }

    private static int seenAbove(ItemTable t, float[] q, float s, int target, UserState u) {
        int n = 0;
        for (int i = 0; i < u.seenCount; i++) {
            int row = t.row(u.seen[i]);
            if (row >= 0 && row != target && t.score(row, q) > s) {
                n++;
            }
        }
        return n;
    }

    /** A top-K result: rows best first with their scores; reusable across calls. */
    public static final class TopK {
        public final int[] rows;
        public final float[] scores;
        public int size;

        public TopK(int k) {
            rows = new int[k];
            scores = new float[k];
        }

        public int capacity() {
            return rows.length;
        }

        /** How many of this result's rows are also in {@code other} (recall numerator). */
        public int overlap(TopK other) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < other.size; j++) {
                    if (rows[i] == other.rows[j]) {
                        n++;
                        break;
                    }
                }
            }
            return n;
        }
    }

    /** Top-K by the table's HNSW index when it has one, else by an exact scan; seen items excluded. */
    public static void topK(ItemTable t, float[] q, UserState u, TopK out) {
        AnnIndex ann = t.ann();
        if (ann == null) {
            exact(t, q, -1, u, out);
            return;
        }
        Bits seen = u.seenCount == 0
                ? null
                : new Bits() {
                    @Override
                    public boolean get(int row) {
                        return u.hasSeen(t.key(row));
                    }

                    @Override
                    public int length() {
                        return t.size();
                    }
                };
        out.size = ann.search(q, out.capacity(), seen, out.rows, out.scores);
    }

    /**
     * One exact pass over the table: the exact top-K with seen items excluded into {@code out}, and,
     * when {@code target >= 0}, the target's rank as {@link #rank} gives it (0 otherwise).
     */
    public static int exact(ItemTable t, float[] q, int target, UserState u, TopK out) {
        float s = target >= 0 ? t.score(target, q) : Float.NaN;
        TopKHeap heap = new TopKHeap(out, t, u);
        int above = VectorMath.KERNEL.scan(t.panels(), t.size(), t.dim(), q, s, heap);
        out.size = heap.finish();
        return target < 0 ? 0 : above - seenAbove(t, q, s, target, u) + 1;
    }

    /** The rows of a result as item ids. */
    public static String[] ids(ItemTable t, TopK r) {
        String[] out = new String[r.size];
        for (int i = 0; i < r.size; i++) {
            out[i] = t.id(r.rows[i]);
        }
        return out;
    }

    /** The scores of a result. */
    public static float[] scores(TopK r) {
        return Arrays.copyOf(r.scores, r.size);
    }
}
