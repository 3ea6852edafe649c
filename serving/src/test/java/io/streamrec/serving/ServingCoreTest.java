package io.streamrec.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The serving core against brute force: ranks, exact and HNSW top-K, placement, the shared catalog. */
class ServingCoreTest {
    private static ItemTable randomTable(long version, int items, int dim, long seed) {
        Random r = new Random(seed);
        ItemTable.Builder b = ItemTable.builder(version);
        for (int i = 0; i < items; i++) {
            float[] v = new float[dim];
            for (int c = 0; c < dim; c++) {
                v[c] = (float) r.nextGaussian() * (1 + i % 7) / 4;
            }
            b.put("i" + i, v);
        }
        return b.build();
    }

    private static float[] randomVector(int dim, Random r) {
        float[] v = new float[dim];
        for (int c = 0; c < dim; c++) {
            v[c] = (float) r.nextGaussian();
        }
        return v;
    }

    private static UserState userWith(Set<Integer> rows, ItemTable t) {
        UserState u = new UserState();
        for (int row : rows) {
            u.added(t.key(row), null);
        }
        return u;
    }

    /** Rows sorted by score, best first, lower row first on ties, excluded rows left out. */
    private static List<Integer> bruteOrder(ItemTable t, float[] q, Set<Integer> excluded) {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            if (!excluded.contains(r)) {
                rows.add(r);
            }
        }
        rows.sort(Comparator.<Integer>comparingDouble(r -> -bruteScore(t, r, q)).thenComparing(r -> r));
        return rows;
    }

    private static double bruteScore(ItemTable t, int row, float[] q) {
        return t.score(row, q);
    }

    @Test
    void exactRankAndTopKMatchBruteForce() {
        ItemTable t = randomTable(1, 3000, 64, 1);
        Random r = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            float[] q = randomVector(64, r);
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < trial * 5; k++) {
                seen.add(r.nextInt(t.size()));
            }
            int target;
            do {
                target = r.nextInt(t.size());
            } while (seen.contains(target));
            UserState u = userWith(seen, t);
            float s = t.score(target, q);
            int expected = 1;
            for (int row = 0; row < t.size(); row++) {
                if (row != target && !seen.contains(row) && t.score(row, q) > s) {
                    expected++;
                }
            }
            assertEquals(expected, ServingCore.rank(t, q, target, u), "rank, trial " + trial);
            ServingCore.TopK top = new ServingCore.TopK(10);
            assertEquals(expected, ServingCore.exact(t, q, target, u, top), "rank from the exact pass, trial " + trial);
            List<Integer> order = bruteOrder(t, q, seen);
            for (int i = 0; i < 10; i++) {
                assertEquals(order.get(i), top.rows[i], "exact top-10 position " + i + ", trial " + trial);
            }
        }
        assertEquals(0, ServingCore.rank(t, new float[64], -1, new UserState()), "an unknown item is a miss");
    }

    @Test
    void hnswTopKEqualsExactTopKOnASmallCatalog() {
        ItemTable t = randomTable(1, 400, 16, 3);
        t.attach(AnnIndex.build(t, new AnnIndex.Settings(16, 200, 400, 42)));
        Random r = new Random(4);
        ServingCore.TopK exact = new ServingCore.TopK(10);
        ServingCore.TopK ann = new ServingCore.TopK(10);
        for (int trial = 0; trial < 30; trial++) {
            float[] q = randomVector(16, r);
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < 20; k++) {
                seen.add(r.nextInt(t.size()));
            }
            UserState u = userWith(seen, t);
            ServingCore.exact(t, q, -1, u, exact);
            ServingCore.topK(t, q, u, ann);
            assertEquals(10, ann.size);
            assertArrayEquals(
                    exact.rows,
                    ann.rows,
                    "HNSW with ef >= catalog is exact, seen items excluded (trial " + trial + ")");
            for (int i = 0; i < ann.size; i++) {
                assertFalse(seen.contains(ann.rows[i]));
            }
        }
    }

    @Test
    void ownSearchFindsWhatLucenesSearchFindsOnTheSameGraph() {
        ItemTable t = randomTable(1, 6000, 32, 12);
        AnnIndex a = AnnIndex.build(t, new AnnIndex.Settings(16, 100, 40, 42));
        Random r = new Random(13);
        int[] ours = new int[10];
        int[] lucene = new int[10];
        float[] scores = new float[10];
        int agree = 0;
        int queries = 300;
        for (int k = 0; k < queries; k++) {
            float[] q = randomVector(32, r);
            assertEquals(10, a.search(q, 10, null, ours, scores));
            for (int i = 1; i < 10; i++) {
                assertTrue(scores[i - 1] >= scores[i], "best first");
            }
            int n = a.searchWithLucene(q, 10, null, lucene);
            Set<Integer> theirs = new HashSet<>();
            for (int i = 0; i < n; i++) {
                theirs.add(lucene[i]);
            }
            for (int row : ours) {
                agree += theirs.contains(row) ? 1 : 0;
            }
        }
        // the same walk (greedy descent, then a beam of ef on layer 0): it ends where Lucene's does,
        // up to ties in the order candidates of equal score are taken
        assertTrue(agree >= 0.99 * queries * 10, "agreement with Lucene's search " + agree + " / " + queries * 10);
    }

    @Test
    void calibrationRaisesTheBeamWhereTheCatalogIsHardToSearch() {
        // isotropic random vectors (a barely trained model): the hardest case for HNSW
        ItemTable t = randomTable(1, 20_000, 64, 21);
        AnnIndex a = AnnIndex.build(t, AnnIndex.Settings.defaults());
        double recall = a.calibrate(0.97, 10, 200, 640);
        assertTrue(a.ef() > 40, "ef raised from 40: " + a.ef());
        assertTrue(recall >= 0.97 || a.ef() == 640, "recall on the probes " + recall + " at ef " + a.ef());
        // clustered vectors: the default beam already does
        Random r = new Random(22);
        float[][] centres = new float[20][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = randomVector(32, r);
        }
        ItemTable.Builder b = ItemTable.builder(2);
        for (int i = 0; i < 5_000; i++) {
            float[] v = randomVector(32, r);
            for (int d = 0; d < 32; d++) {
                v[d] = centres[i % centres.length][d] + 0.3f * v[d];
            }
            b.put("c" + i, v);
        }
        AnnIndex easy = AnnIndex.build(b.build(), AnnIndex.Settings.defaults());
        assertTrue(easy.calibrate(0.97, 10, 200, 640) >= 0.97);
        assertEquals(40, easy.ef(), "no need to widen");
    }

    @Test
    void aReusedGraphServesTheNextVersionWithItsOwnVectors() {
        Random r = new Random(31);
        ItemTable.Builder b1 = ItemTable.builder(1);
        float[][] v = new float[400][];
        for (int i = 0; i < 400; i++) {
            v[i] = randomVector(16, r);
            b1.put("i" + i, v[i]);
        }
        ItemTable t1 = b1.build();
        AnnIndex a1 = AnnIndex.build(t1, new AnnIndex.Settings(16, 200, 400, 42));
        // version 2: every vector moved a little, i0..i4 gone, 20 new items
        ItemTable.Builder b2 = ItemTable.builder(2);
        for (int i = 5; i < 400; i++) {
            float[] x = v[i].clone();
            float[] noise = randomVector(16, r);
            for (int c = 0; c < 16; c++) {
                x[c] += 0.2f * noise[c];
            }
            b2.put("i" + i, x);
        }
        for (int i = 0; i < 20; i++) {
            b2.put("new" + i, randomVector(16, r));
        }
        ItemTable t2 = b2.build();
        assertEquals(null, AnnIndex.reuse(t2, a1, 0.01), "more than 1% new: not reused");
        AnnIndex a2 = AnnIndex.reuse(t2, a1, 0.1);
        assertTrue(a2.reused());
        assertEquals(20, a2.freshRows());
        t2.attach(a2);
        ServingCore.TopK exact = new ServingCore.TopK(10);
        ServingCore.TopK ann = new ServingCore.TopK(10);
        int sawNew = 0;
        for (int trial = 0; trial < 40; trial++) {
            float[] q = randomVector(16, r);
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < 15; k++) {
                seen.add(r.nextInt(t2.size()));
            }
            UserState u = userWith(seen, t2);
            ServingCore.exact(t2, q, -1, u, exact);
            ServingCore.topK(t2, q, u, ann);
            assertArrayEquals(
                    exact.rows,
                    ann.rows,
                    "ef >= catalog: the reused walk plus the new items is exact (trial " + trial + ")");
            for (int i = 0; i < ann.size; i++) {
                assertFalse(seen.contains(ann.rows[i]));
                assertFalse(t2.id(ann.rows[i]).matches("i[0-4]"), "a gone item is never returned");
                sawNew += t2.id(ann.rows[i]).startsWith("new") ? 1 : 0;
            }
        }
        assertTrue(sawNew > 0, "new items are found (scanned exactly)");
    }

    /** {@code items} clustered vectors (50 centres, d = 32) named {@code prefix + i}, each moved by {@code noise}. */
    private static float[][] clustered(int items, float[][] centres, Random r) {
        float[][] v = new float[items][];
        for (int i = 0; i < items; i++) {
            float[] x = randomVector(centres[0].length, r);
            float[] c = centres[r.nextInt(centres.length)];
            for (int d = 0; d < x.length; d++) {
                x[d] = c[d] + 0.5f * x[d];
            }
            v[i] = x;
        }
        return v;
    }

    private static double recallAt10(ItemTable t, AnnIndex a, float[][] centres, Random r) {
        ServingCore.TopK exact = new ServingCore.TopK(10);
        ServingCore.TopK ann = new ServingCore.TopK(10);
        double recall = 0;
        for (int k = 0; k < 200; k++) {
            float[] q = clustered(1, centres, r)[0];
            ServingCore.exact(t, q, -1, new UserState(), exact);
            ann.size = a.search(q, 10, null, ann.rows, ann.scores);
            recall += (double) ann.overlap(exact) / exact.size;
        }
        return recall / 200;
    }

    @Test
    void anExtendedGraphFindsWhatAGraphBuiltAfreshFinds() {
        Random r = new Random(17);
        float[][] centres = new float[50][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = randomVector(32, r);
        }
        float[][] v = clustered(6000, centres, r);
        ItemTable.Builder b1 = ItemTable.builder(1);
        for (int i = 0; i < v.length; i++) {
            b1.put("i" + i, v[i]);
        }
        ItemTable t1 = b1.build();
        AnnIndex.Settings s = AnnIndex.Settings.defaults();
        AnnIndex a1 = AnnIndex.build(t1, s);
        // versions 2 and 3: every vector moved a little, 25% new items each time (more than reuse takes)
        AnnIndex previous = a1;
        ItemTable t = t1;
        int next = v.length;
        for (long version = 2; version <= 3; version++) {
            ItemTable.Builder b = ItemTable.builder(version);
            for (int row = 0; row < t.size(); row++) {
                float[] x = t.vector(row).clone();
                float[] noise = randomVector(32, r);
                for (int d = 0; d < x.length; d++) {
                    x[d] += 0.05f * noise[d];
                }
                b.put(t.id(row), x);
            }
            for (float[] x : clustered(t.size() / 4, centres, r)) {
                b.put("i" + next++, x);
            }
            ItemTable tv = b.build();
            assertEquals(null, AnnIndex.reuse(tv, previous, 0.1), "more new items than a reuse at 10% takes");
            AnnIndex extended = AnnIndex.extend(tv, previous, s);
            assertFalse(extended.reused(), "an extended graph is the version's own");
            assertEquals(0, extended.freshRows(), "every item is in the extended graph");
            assertEquals(t.size(), extended.carriedNodes());
            AnnIndex built = AnnIndex.build(tv, s);
            double re = recallAt10(tv, extended, centres, new Random(version));
            double rb = recallAt10(tv, built, centres, new Random(version));
            assertTrue(
                    re >= 0.95 && re >= rb - 0.02,
                    "version " + version + ": recall@10 extended " + re + ", built afresh " + rb);
            previous = extended;
            t = tv;
        }
        // an item withdrawn: its node cannot be carried, so no extension (a build afresh follows)
        ItemTable.Builder b4 = ItemTable.builder(4);
        for (int row = 1; row < t.size(); row++) {
            b4.put(t.id(row), t.vector(row));
        }
        assertEquals(null, AnnIndex.extend(b4.build(), previous, s));
        assertEquals(null, AnnIndex.extend(t, null, s));
    }

    @Test
    void concurrentSearchesOfOneIndexAgreeWithSequentialOnes() throws Exception {
        ItemTable t = randomTable(1, 3000, 32, 8);
        t.attach(AnnIndex.build(t, AnnIndex.Settings.defaults()));
        Random r = new Random(9);
        float[][] qs = new float[400][];
        int[][] expected = new int[qs.length][];
        ServingCore.TopK top = new ServingCore.TopK(10);
        for (int k = 0; k < qs.length; k++) {
            qs[k] = randomVector(32, r);
            ServingCore.topK(t, qs[k], new UserState(), top);
            expected[k] = Arrays.copyOf(top.rows, top.size);
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int th = 0; th < 4; th++) {
            Thread x = new Thread(() -> {
                ServingCore.TopK mine = new ServingCore.TopK(10);
                try {
                    for (int rep = 0; rep < 3; rep++) {
                        for (int k = 0; k < qs.length; k++) {
                            ServingCore.topK(t, qs[k], new UserState(), mine);
                            assertArrayEquals(expected[k], Arrays.copyOf(mine.rows, mine.size));
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(x);
            x.start();
        }
        for (Thread x : threads) {
            x.join();
        }
        assertTrue(failures.isEmpty(), "concurrent searches: " + failures);
    }

    @Test
    void hnswRecallAtDefaultsOnAClusteredCatalog() {
        // 20,000 items in 50 clusters, d=64 (like trained embeddings): recall@10 at the default settings
        Random r = new Random(5);
        float[][] centres = new float[50][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = randomVector(64, r);
        }
        ItemTable.Builder b = ItemTable.builder(1);
        for (int i = 0; i < 20_000; i++) {
            float[] v = randomVector(64, r);
            float[] c = centres[i % centres.length];
            for (int d = 0; d < 64; d++) {
                v[d] = c[d] + 0.5f * v[d];
            }
            b.put("i" + i, v);
        }
        ItemTable t = b.build();
        t.attach(AnnIndex.build(t, AnnIndex.Settings.defaults()));
        ServingCore.TopK exact = new ServingCore.TopK(10);
        ServingCore.TopK ann = new ServingCore.TopK(10);
        double recall = 0;
        int queries = 200;
        for (int k = 0; k < queries; k++) {
            float[] q = centres[r.nextInt(centres.length)].clone();
            float[] noise = randomVector(64, r);
            for (int d = 0; d < 64; d++) {
                q[d] += noise[d];
            }
            UserState u = userWith(Set.of(r.nextInt(t.size()), r.nextInt(t.size())), t);
            ServingCore.exact(t, q, -1, u, exact);
            ServingCore.topK(t, q, u, ann);
            recall += (double) ann.overlap(exact) / exact.size;
        }
        assertTrue(recall / queries >= 0.95, "recall@10 " + recall / queries);
    }

    @Test
    void placementFollowsTheOneRule() {
        ItemTable.Builder b = ItemTable.builder(3);
        b.put("a", new float[] {1, 0}).put("b", new float[] {0, 1}).put("c", new float[] {-1, -1});
        ItemTable t = b.build();
        ItemTable[] served = {t};
        UserState none = new UserState();
        ServingCore.Placement p = ServingCore.place(none, served);
        assertFalse(p.known());
        assertArrayEquals(
                new float[] {0, 0}, p.vector(), 1e-6f, "no items, no mean user vector published: the centroid");
        ItemTable withMeanUser = ItemTable.builder(3)
                .put("a", new float[] {1, 0})
                .coldUser(new float[] {0.2f, 0.7f})
                .build();
        assertArrayEquals(
                new float[] {0.2f, 0.7f},
                ServingCore.place(new UserState(), new ItemTable[] {withMeanUser})
                        .vector(),
                1e-6f,
                "no items: the version's mean user vector");
        UserState unknown = new UserState();
        unknown.added(ItemKeys.of("a"), t);
        unknown.added(ItemKeys.of("zzz"), t); // not in the version
        assertArrayEquals(
                new float[] {1, 0},
                ServingCore.place(unknown, served).vector(),
                1e-6f,
                "mean of the items the version has");
        unknown.added(ItemKeys.of("b"), t);
        assertArrayEquals(
                new float[] {0.5f, 0.5f},
                ServingCore.place(unknown, served).vector(),
                1e-6f,
                "running sum kept up to date");
        unknown.removed(ItemKeys.of("a"));
        assertArrayEquals(
                new float[] {0, 1}, ServingCore.place(unknown, served).vector(), 1e-6f, "a removal recomputes");

        UserState known = new UserState();
        known.added(ItemKeys.of("a"), null);
        known.added(ItemKeys.of("c"), null);
        known.added(ItemKeys.of("zzz"), null);
        known.vectorArrived(3, new float[] {2, 0}); // stands for 3 items
        assertArrayEquals(
                new float[] {2, 0}, ServingCore.place(known, served).vector(), 1e-6f, "nothing since: the vector");
        known.added(ItemKeys.of("b"), t);
        // FoldIn: (3 · x̂ + 1 · ŷ) / 4
        assertArrayEquals(
                new float[] {0.75f, 0.25f}, ServingCore.place(known, served).vector(), 1e-6f, "fold-in of b");
        assertTrue(ServingCore.place(known, served).known());
    }

    @Test
    void aUserIsScoredWithTheNewestVersionItHasAVectorOf() {
        ItemTable v1 = ItemTable.builder(1).put("a", new float[] {1}).build();
        ItemTable v2 = ItemTable.builder(2).put("a", new float[] {-1}).build();
        UserState u = new UserState();
        u.vectorArrived(1, new float[] {5});
        assertEquals(
                1,
                ServingCore.place(u, new ItemTable[] {v2, v1}).table().version(),
                "v2's vector not here yet: v1 whole");
        u.vectorArrived(2, new float[] {7});
        assertEquals(2, ServingCore.place(u, new ItemTable[] {v2, v1}).table().version());
        u.vectorArrived(3, new float[] {9}); // leads its table's commit
        ServingCore.Placement p = ServingCore.place(u, new ItemTable[] {v2, v1});
        assertEquals(2, p.table().version());
        assertArrayEquals(new float[] {7}, p.vector());
        // a delta version 4 (only the users that moved have a record of it): this user kept its version-3 vector
        ItemTable v4 =
                ItemTable.builder(4).put("a", new float[] {2}).delta(true).build();
        ServingCore.Placement q = ServingCore.place(u, new ItemTable[] {v4, v2});
        assertEquals(4, q.table().version());
        assertArrayEquals(new float[] {9}, q.vector());
        // a user vector of another dimension than its version's items is not used: the older version, whole
        u.vectorArrived(5, new float[] {1, 2});
        ItemTable v5 = ItemTable.builder(5).put("a", new float[] {3}).build();
        ServingCore.Placement r = ServingCore.place(u, new ItemTable[] {v5, v4});
        assertEquals(4, r.table().version());
        assertArrayEquals(new float[] {9}, r.vector());
    }

    @Test
    void seenSetStaysSortedAndExact() {
        UserState u = new UserState();
        Random r = new Random(6);
        Set<Long> ref = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            long k = ItemKeys.of("i" + r.nextInt(300));
            if (r.nextInt(4) == 0) {
                u.removed(k);
                ref.remove(k);
            } else {
                u.added(k, null);
                ref.add(k);
            }
        }
        assertEquals(ref.size(), u.seenCount);
        for (int i = 0; i < 300; i++) {
            long k = ItemKeys.of("i" + i);
            assertEquals(ref.contains(k), u.hasSeen(k));
        }
    }

    @Test
    void catalogCommitsOnceAndIgnoresStaleRecords() throws Exception {
        ServedCatalog c = ServedCatalog.acquire(
                "test-" + System.nanoTime(), new ServedCatalog.Settings(100, AnnIndex.Settings.defaults()));
        try {
            assertNull(c.served());
            assertEquals(ServedCatalog.Commit.MISSING, c.commit(1, 0, 1, null, 0, new String[0]));
            c.put(1, "a", new float[] {1, 0});
            c.put(1, "a", new float[] {1, 0}); // the other task's copy of the same record
            c.put(1, "b", new float[] {0, 1});
            assertNull(c.served(), "nothing is live before the COMMIT");
            assertEquals(ServedCatalog.Commit.COMMITTED, c.commit(1, 0, 2, null, 0, new String[0]));
            assertEquals(ServedCatalog.Commit.ALREADY, c.commit(1, 0, 2, null, 0, new String[0]));
            assertEquals(2, c.served()[0].size());
            c.put(1, "late", new float[] {1, 1}); // a task behind on the topic
            c.put(2, "a", new float[] {0, 1});
            assertEquals(1, c.served()[0].version(), "v2 is not live until its COMMIT");
            c.commit(2, 0, 1, null, 0, new String[0]);
            assertEquals(2, c.served()[0].version());
            assertEquals(1, c.served()[1].version());
            assertEquals(2, c.served()[1].size(), "v1 kept whole, the late record ignored");
            // at or above the ANN threshold the index is built in the background, then the version goes live
            for (int i = 0; i < 150; i++) {
                c.put(3, "i" + i, new float[] {i, 1});
            }
            c.commit(3, 0, 150, null, 0, new String[0]);
            long deadline = System.currentTimeMillis() + 30_000;
            while (c.served()[0].version() != 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(3, c.served()[0].version());
            assertNotNull(c.served()[0].ann());
        } finally {
            c.release();
        }
    }

    @Test
    void rankSampleIsDeterministicAndNearItsRate() {
        RankSample auto = new RankSample(Double.NaN, 2000);
        assertEquals(1.0, auto.rate(1500));
        assertEquals(0.04, auto.rate(50_000), 1e-12);
        int in = 0;
        for (int i = 0; i < 100_000; i++) {
            boolean a = auto.selected("u" + (i % 977), "i" + i, 1_700_000_000_000L + i, 50_000);
            assertEquals(a, auto.selected("u" + (i % 977), "i" + i, 1_700_000_000_000L + i, 50_000));
            in += a ? 1 : 0;
        }
        assertEquals(4000, in, 300);
        assertThrows(IllegalArgumentException.class, () -> new RankSample(1.5, 10));
    }

    @Test
    void tableRejectsBadVectorsByName() {
        ItemTable.Builder b = ItemTable.builder(1).put("a", new float[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.put("b", new float[] {1}));
        assertTrue(e.getMessage().contains("item b"));
        assertThrows(IllegalArgumentException.class, () -> b.put("c", new float[] {Float.NaN, 0}));
        ItemTable t = b.put("a", new float[] {3, 4}).build();
        assertEquals(1, t.size());
        assertArrayEquals(new float[] {3, 4}, t.vector(0));
        assertEquals(-1, t.row("b"));
    }

    @Test
    void simdAndScalarKernelsAgree() {
        Random r = new Random(7);
        VectorMath.Kernel scalar = new VectorMath.ScalarKernel();
        for (int d : new int[] {1, 7, 8, 16, 63, 64, 100}) {
            ItemTable.Builder b = ItemTable.builder(1);
            for (int row = 0; row < 21; row++) {
                b.put("i" + row, randomVector(d, r));
            }
            ItemTable t = b.build();
            float[] q = randomVector(d, r);
            for (int row = 0; row < t.size(); row++) {
                float plain = 0;
                float[] v = t.vector(row);
                for (int c = 0; c < d; c++) {
                    plain += v[c] * q[c];
                }
                assertEquals(plain, VectorMath.KERNEL.dot(t.panels(), row, d, q), 1e-4, "d=" + d);
                assertEquals(plain, scalar.dot(t.panels(), row, d, q), 1e-4, "d=" + d);
            }
            for (float threshold : new float[] {-1e9f, -1, 0, 1, 1e9f}) {
                assertEquals(
                        scalar.countAbove(t.panels(), t.size(), d, q, threshold),
                        VectorMath.KERNEL.countAbove(t.panels(), t.size(), d, q, threshold),
                        "d=" + d + " threshold " + threshold);
            }
        }
    }
}
