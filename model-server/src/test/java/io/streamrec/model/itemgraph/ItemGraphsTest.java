package io.streamrec.model.itemgraph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.model.multimodal.ModalityVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ItemGraphsTest {
    /** n random unit rows of dimension d. */
    private static float[] unitRows(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                x[i * d + c] = (float) r.nextGaussian();
                s += x[i * d + c] * x[i * d + c];
            }
            for (int c = 0; c < d; c++) {
                x[i * d + c] /= (float) Math.sqrt(s);
            }
        }
        return x;
    }

    /** Brute force in double: every pair's cosine, sorted, best k positive. */
    private static int[] bruteForce(float[] x, boolean[] present, int n, int d, int i, int k) {
        List<double[]> all = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            if (j == i || !present[j]) {
                continue;
            }
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += (double) x[i * d + c] * x[j * d + c];
            }
            if (s > 0) {
                all.add(new double[] {s, j});
            }
        }
        all.sort(Comparator.<double[]>comparingDouble(a -> -a[0]).thenComparingDouble(a -> a[1]));
        return all.stream().limit(k).mapToInt(a -> (int) a[1]).toArray();
    }

    @Test
    void exactKnnEqualsBruteForce() {
        int n = 300;
        int d = 16;
        float[] x = unitRows(n, d, 1);
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        present[7] = false; // an item without content has no neighbours and is nobody's
        ContentKnn knn = ContentKnn.build(x, present, n, d, ContentKnn.Settings.of(10, 10_000));
        assertTrue(knn.exact());
        for (int i = 0; i < n; i++) {
            int[] expected = present[i] ? bruteForce(x, present, n, d, i, 10) : new int[0];
            assertArrayEquals(expected, knn.neighbours().ids(i), "item " + i);
            float[] w = knn.neighbours().weights(i);
            for (int p = 0; p < w.length; p++) {
                assertEquals(knn.similarity(i, expected[p]), w[p], 0f);
            }
        }
    }

    @Test
    void hnswKnnFindsAlmostAllTrueNeighbours() {
        int n = 2000;
        int d = 16;
        float[] x = unitRows(n, d, 2);
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        ContentKnn knn = ContentKnn.build(x, present, n, d, ContentKnn.Settings.of(10, 100));
        assertFalse(knn.exact());
        long hit = 0;
        for (int i = 0; i < n; i++) {
            int[] truth = bruteForce(x, present, n, d, i, 10);
            int[] got = knn.neighbours().ids(i);
            hit += Arrays.stream(truth)
                    .filter(t -> Arrays.stream(got).anyMatch(g -> g == t))
                    .count();
        }
        double recall = hit / (10.0 * n);
        assertTrue(recall > 0.95, "HNSW kNN recall@10 " + recall);
    }

    @Test
    void streamingUpdatesEqualARebuild() {
        int n = 400;
        int d = 12;
        float[] x = unitRows(n, d, 3);
        boolean[] start = new boolean[n];
        for (int i = 0; i < 250; i++) {
            start[i] = true;
        }
        ContentKnn live = ContentKnn.build(x, start, n, d, ContentKnn.Settings.of(10, 10_000));
        boolean[] now = start.clone();
        SplittableRandom r = new SplittableRandom(9);
        for (int step = 0; step < 300; step++) {
            int i = r.nextInt(n);
            if (now[i] && r.nextInt(3) == 0) {
                live.remove(i);
                now[i] = false;
            } else if (!now[i]) {
                live.add(i, Arrays.copyOfRange(x, i * d, (i + 1) * d));
                now[i] = true;
            }
        }
        ContentKnn rebuilt = ContentKnn.build(x, now, n, d, ContentKnn.Settings.of(10, 10_000));
        Neighbours a = live.neighbours();
        Neighbours b = rebuilt.neighbours();
        a.grow(n);
        b.grow(n);
        assertNull(a.firstDifference(b));
        assertEquals(rebuilt.size(), live.size());
    }

    @Test
    void streamingHnswArrivalsGetNeighboursAndWithdrawnItemsLeave() {
        int n = 1500;
        int d = 16;
        float[] x = unitRows(n, d, 4);
        boolean[] start = new boolean[n];
        for (int i = 0; i < 1000; i++) {
            start[i] = true;
        }
        ContentKnn live = ContentKnn.build(x, start, n, d, ContentKnn.Settings.of(10, 200));
        for (int i = 1000; i < n; i++) {
            live.add(i, Arrays.copyOfRange(x, i * d, (i + 1) * d));
            assertEquals(10, live.neighbours().ids(i).length, "arrival " + i + " gets k neighbours at once");
        }
        for (int i = 0; i < 100; i++) {
            live.remove(i);
        }
        boolean[] now = new boolean[n];
        for (int i = 100; i < n; i++) {
            now[i] = true;
        }
        long hit = 0;
        for (int i = 100; i < n; i++) {
            for (int j : live.neighbours().ids(i)) {
                assertTrue(j >= 100, "withdrawn item " + j + " still listed by " + i);
            }
            int[] truth = bruteForce(x, now, n, d, i, 10);
            int[] got = live.neighbours().ids(i);
            hit += Arrays.stream(truth)
                    .filter(t -> Arrays.stream(got).anyMatch(g -> g == t))
                    .count();
        }
        double recall = hit / (10.0 * (n - 100));
        assertTrue(recall > 0.9, "recall@10 after streaming updates " + recall);
    }

    @Test
    void coInteractionCountsByHand() {
        // users: 0 {0,1,2}, 1 {0,1}, 2 {1,2,3}, 3 {0,3}
        int[][] byUser = {{0, 1, 2}, {0, 1}, {1, 2, 3}, {0, 3}};
        Neighbours c = CoInteraction.topK(4, byUser, 10, 100, 1);
        // C01 = 2 (users 0,1), C02 = 1, C03 = 1, C12 = 2 (users 0,2), C13 = 1, C23 = 1
        assertArrayEquals(new int[] {1, 2, 3}, c.ids(0));
        assertArrayEquals(new float[] {2, 1, 1}, c.weights(0));
        assertArrayEquals(new int[] {0, 2, 3}, c.ids(1));
        assertArrayEquals(new float[] {2, 2, 1}, c.weights(1));
        assertArrayEquals(new int[] {1, 0, 3}, c.ids(2));
        assertArrayEquals(new float[] {2, 1, 1}, c.weights(2));
        assertArrayEquals(new int[] {0, 1, 2}, c.ids(3));
        Neighbours top1 = CoInteraction.topK(4, byUser, 1, 100, 1);
        assertArrayEquals(new int[] {1}, top1.ids(0));
        assertArrayEquals(new int[] {0}, top1.ids(1)); // tie 2 = 2 with items 0 and 2: lower id
        // symmetric normalisation: A_ij / sqrt(d_i d_j) with weighted degrees d_0 = 4, d_1 = 5
        ItemGraph g = ItemGraph.symmetrised(c).symmetricNormalized();
        assertEquals(2 / Math.sqrt(4 * 5), g.weight(0, 1), 1e-6);
        assertEquals(g.weight(0, 1), g.weight(1, 0), 0f);
        assertEquals(0f, g.weight(0, 0));
    }

    @Test
    void symmetrisingKeepsAnEdgeEitherEndListsWithTheLargerWeight() {
        Neighbours l = new Neighbours(3, 1);
        l.set(0, new int[] {1}, new float[] {0.5f});
        l.set(1, new int[] {2}, new float[] {0.9f});
        l.set(2, new int[] {1}, new float[] {0.8f});
        ItemGraph g = ItemGraph.symmetrised(l);
        assertEquals(0.5f, g.weight(0, 1));
        assertEquals(0.5f, g.weight(1, 0));
        assertEquals(0.9f, g.weight(1, 2));
        assertEquals(0.9f, g.weight(2, 1));
        assertEquals(0f, g.weight(0, 2));
    }

    @Test
    void fusedFeaturesAverageTheModalitiesCosines() {
        ModalityVectors a = new ModalityVectors("a", 2, 3);
        ModalityVectors b = new ModalityVectors("b", 3, 3);
        a.set(0, new float[] {1, 0});
        a.set(1, new float[] {0, 2});
        b.set(0, new float[] {1, 0, 0});
        b.set(1, new float[] {1, 0, 0});
        b.set(2, new float[] {0, 0, 5}); // item 2 lacks modality a
        ContentFeatures f = ContentFeatures.fused(List.of(a, b));
        ContentKnn knn = f.knn(ContentKnn.Settings.of(2, 100));
        assertEquals(0.5f, knn.similarity(0, 1), 1e-6f); // mean of cosines 0 and 1
        assertEquals(1f, knn.similarity(2, 2), 1e-6f); // unit rows
        assertArrayEquals(new int[] {1}, knn.neighbours().ids(0)); // item 2 is orthogonal to both: not a neighbour
    }
}
