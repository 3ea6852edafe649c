package io.streamrec.model.itemgraph;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The co-interaction graph: C_ij = the number of users who have both i and j, kept sparse as each
 * item's top-k by count (ties by id). Its cost is Σ_u min(|N_u|, cap)²: a user with more than {@code
 * cap} items counts a seeded sample of {@code cap} of them, so one heavy user cannot make the build
 * quadratic in the catalog. The counts are the weights; symmetric normalisation
 * ({@link ItemGraph#symmetricNormalized()}) makes any global scaling (e.g. by the largest count)
 * irrelevant.
 */
public final class CoInteraction {
    private CoInteraction() {}

    /** Top-k co-interaction lists of {@code numItems} items from the users' item lists. */
    public static Neighbours topK(int numItems, int[][] itemsByUser, int k, int cap, long seed) {
        if (cap < 2) {
            throw new IllegalArgumentException("co-interaction cap must be >= 2, got " + cap);
        }
        int[][] lists = new int[itemsByUser.length][];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int u = 0; u < itemsByUser.length; u++) {
            int[] items = itemsByUser[u];
            if (items.length <= cap) {
                lists[u] = items;
            } else {
                int[] copy = items.clone();
                for (int p = 0; p < cap; p++) { // partial Fisher–Yates
                    int q = p + rng.nextInt(copy.length - p);
                    int t = copy[p];
                    copy[p] = copy[q];
                    copy[q] = t;
                }
                lists[u] = Arrays.copyOf(copy, cap);
            }
        }
        // item -> users
        int[] deg = new int[numItems];
        for (int[] l : lists) {
            for (int i : l) {
                deg[i]++;
            }
        }
        int[][] users = new int[numItems][];
        for (int i = 0; i < numItems; i++) {
            users[i] = new int[deg[i]];
        }
        int[] fill = new int[numItems];
        for (int u = 0; u < lists.length; u++) {
            for (int i : lists[u]) {
                users[i][fill[i]++] = u;
            }
        }
        Neighbours out = new Neighbours(numItems, k);
        int[][] ids = new int[numItems][];
        float[][] ws = new float[numItems][];
        ThreadLocal<int[]> counts = ThreadLocal.withInitial(() -> new int[numItems]);
        ThreadLocal<int[]> touched = ThreadLocal.withInitial(() -> new int[numItems]);
        IntStream.range(0, numItems).parallel().forEach(i -> {
            int[] c = counts.get();
            int[] t = touched.get();
            int nt = 0;
            for (int u : users[i]) {
                for (int j : lists[u]) {
                    if (j != i && c[j]++ == 0) {
                        t[nt++] = j;
                    }
                }
            }
            Neighbours one = new Neighbours(1, k);
            for (int p = 0; p < nt; p++) {
                one.offer(0, t[p], c[t[p]]);
                c[t[p]] = 0;
            }
            ids[i] = one.ids(0);
            ws[i] = one.weights(0);
        });
        for (int i = 0; i < numItems; i++) {
            out.set(i, ids[i], ws[i]);
        }
        return out;
    }
}
