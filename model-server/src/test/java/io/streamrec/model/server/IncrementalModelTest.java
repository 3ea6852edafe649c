package io.streamrec.model.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.itemgraph.ContentFeatures;
import io.streamrec.model.itemgraph.ContentKnn;
import io.streamrec.model.itemgraph.LiveItemGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small world with topics: users like items of their own topic; item content is its topic,
 * noisily. The incremental model must get better as edges arrive, place a new item with content
 * near the users of its topic before any interaction, and survive a snapshot round trip.
 */
class IncrementalModelTest {
    private static final int USERS = 240;
    private static final int ITEMS = 160;
    private static final int TOPICS = 6;
    private static final int CONTENT_DIM = 12;

    private static IncrementalModel.Settings settings() {
        return IncrementalModel.Settings.builder()
                .dim(16)
                .layers(2)
                .learningRate(0.01)
                .batchSize(256)
                .lambda(1e-4)
                .initialEpochs(15)
                .budget(IncrementalModel.Budget.fixed(60))
                .replayFraction(0.5)
                .seed(5)
                .device(Device.cpu())
                .build();
    }

    private static int topicOfUser(int u) {
        return u % TOPICS;
    }

    private static int topicOfItem(int i) {
        return i % TOPICS;
    }

    private static float[] content(int item, Random r) {
        float[] v = new float[CONTENT_DIM];
        for (int k = 0; k < CONTENT_DIM; k++) {
            v[k] = (float) (0.3 * r.nextGaussian());
        }
        v[topicOfItem(item)] += 1.5f;
        return v;
    }

    /** 14 edges per user, 85% in its topic; the last 4 per user held out as test. */
    private static List<int[]>[] world(Random r) {
        @SuppressWarnings("unchecked")
        List<int[]>[] split = new List[] {new ArrayList<int[]>(), new ArrayList<int[]>()};
        for (int u = 0; u < USERS; u++) {
            Set<Integer> picked = new HashSet<>();
            List<Integer> order = new ArrayList<>();
            while (picked.size() < 14) {
                int i = r.nextDouble() < 0.85 ? topicOfUser(u) + TOPICS * r.nextInt(ITEMS / TOPICS) : r.nextInt(ITEMS);
                if (picked.add(i)) {
                    order.add(i);
                }
            }
            for (int k = 0; k < order.size(); k++) {
                split[k < 10 ? 0 : 1].add(new int[] {u, order.get(k)});
            }
        }
        return split;
    }

    /** Mean NDCG@10 over users of their test items, ranking all items the user has not trained on, from a version's vectors. */
    private static double ndcg(ModelVersion v, List<int[]> train, List<int[]> test) {
        List<Set<Integer>> seen = new ArrayList<>();
        List<Set<Integer>> relevant = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            seen.add(new HashSet<>());
            relevant.add(new HashSet<>());
        }
        train.forEach(e -> seen.get(e[0]).add(e[1]));
        test.forEach(e -> relevant.get(e[0]).add(e[1]));
        double sum = 0;
        int n = 0;
        for (int u = 0; u < USERS; u++) {
            int ur = v.userIds().indexOf("u" + u);
            if (relevant.get(u).isEmpty()) {
                continue;
            }
            n++;
            if (ur < 0) {
                continue;
            }
            float[] uv = v.row(v.userVectors(), ur);
            List<double[]> scored = new ArrayList<>();
            for (int i = 0; i < ITEMS; i++) {
                if (seen.get(u).contains(i)) {
                    continue;
                }
                int ir = v.itemIds().indexOf("i" + i);
                double s = ir < 0 ? -1e9 : dot(uv, v.row(v.itemVectors(), ir));
                scored.add(new double[] {s, i});
            }
            scored.sort((a, b) -> Double.compare(b[0], a[0]));
            double dcg = 0;
            double idcg = 0;
            for (int k = 0; k < 10; k++) {
                if (relevant.get(u).contains((int) scored.get(k)[1])) {
                    dcg += 1 / (Math.log(k + 2) / Math.log(2));
                }
                if (k < relevant.get(u).size()) {
                    idcg += 1 / (Math.log(k + 2) / Math.log(2));
                }
            }
            sum += dcg / idcg;
        }
        return sum / n;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    @Test
    void fineTuningOnArrivingEdgesBeatsTheFirstVersion(@TempDir Path dir) throws Exception {
        Random r = new Random(3);
        List<int[]>[] split = world(r);
        List<int[]> train = new ArrayList<>(split[0]);
        Collections.shuffle(train, r);
        IncrementalModel model = new IncrementalModel(settings());
        for (int i = 0; i < ITEMS; i++) {
            model.setContent("i" + i, "text", content(i, r));
        }
        int first = train.size() / 4;
        for (int k = 0; k < first; k++) {
            model.addEdge("u" + train.get(k)[0], "i" + train.get(k)[1]);
        }
        ModelVersion v1 = model.fineTune(first);
        assertEquals(1, v1.version());
        ModelVersion last = v1;
        int chunk = (train.size() - first) / 3;
        for (int c = 0; c < 3; c++) {
            int from = first + c * chunk;
            int to = c == 2 ? train.size() : from + chunk;
            for (int k = from; k < to; k++) {
                assertTrue(model.addEdge("u" + train.get(k)[0], "i" + train.get(k)[1]));
            }
            assertEquals(to - from, model.pendingEdges());
            last = model.fineTune(to);
            assertEquals(0, model.pendingEdges());
        }
        assertEquals(4, last.version());
        assertEquals(train.size(), model.edges());
        double stale = ndcg(v1, train, split[1]);
        double fresh = ndcg(last, train, split[1]);
        assertTrue(fresh > stale + 0.05, "fine-tuned NDCG@10 " + fresh + " vs first version " + stale);

        // snapshot round trip: same graph, ids and version; training continues from it
        model.save(dir.resolve("snapshot"));
        model.save(dir.resolve("snapshot")); // replacing a snapshot: the one replaced is kept
        assertTrue(ModelSnapshot.verify(dir.resolve("snapshot"))
                && ModelSnapshot.verify(ModelSnapshot.previous(dir.resolve("snapshot"))));
        Path copy = dir.resolve("flipped");
        model.save(copy);
        byte[] b = Files.readAllBytes(copy.resolve("state.bin"));
        b[b.length - 5] ^= 1; // one bit of the last embedding row: parses fine, caught by the checksum
        Files.write(copy.resolve("state.bin"), b);
        IOException flipped = assertThrows(IOException.class, () -> ModelSnapshot.load(copy, settings()));
        assertTrue(flipped.getMessage().contains("state.bin: damaged"), flipped.getMessage());
        Files.write(copy.resolve("state.bin"), Arrays.copyOf(b, 100));
        assertTrue(
                assertThrows(IOException.class, () -> ModelSnapshot.load(copy, settings()))
                        .getMessage()
                        .contains(" 100, written as"),
                "truncated to 100 bytes");
        IncrementalModel restored = ModelSnapshot.load(dir.resolve("snapshot"), settings());
        assertEquals(model.edges(), restored.edges());
        assertEquals(model.version(), restored.version());
        assertEquals(train.size(), restored.throughSeq());
        assertFalse(restored.addEdge("u" + train.get(0)[0], "i" + train.get(0)[1]), "the restored graph has the edge");
        assertTrue(restored.addEdge("u0", "i-new"));
        ModelVersion next = restored.fineTune(train.size() + 1);
        assertEquals(5, next.version());
        long adamBefore = ((Number) last.metrics().get("adam_steps")).longValue();
        assertEquals(
                adamBefore + 60,
                ((Number) next.metrics().get("adam_steps")).longValue(),
                "Adam's moments continue from the snapshot");
        assertTrue(ndcg(next, train, split[1]) > stale + 0.05);
    }

    @Test
    void aNewItemWithContentReachesItsTopicsUsersBeforeItsFirstInteraction() {
        Random r = new Random(4);
        List<int[]>[] split = world(r);
        IncrementalModel model = new IncrementalModel(settings());
        for (int i = 0; i < ITEMS; i++) {
            model.setContent("i" + i, "text", content(i, r));
        }
        split[0].forEach(e -> model.addEdge("u" + e[0], "i" + e[1]));
        model.fineTune(1);
        int topic = 2;
        model.setContent("brand-new", "text", content(topic, r)); // item index ≡ topic (mod TOPICS)
        ModelVersion v = model.fineTune(2);
        int row = v.itemIds().indexOf("brand-new");
        assertTrue(row >= 0, "the new item is published");
        assertTrue(
                (int) v.metrics().get("cold_items_from_content") >= 1, "items without edges are placed from content");
        float[] iv = v.row(v.itemVectors(), row);
        // its rank among all items, for users of its topic vs the others
        double inTopic = 0;
        double other = 0;
        int nIn = 0;
        int nOther = 0;
        for (int u = 0; u < USERS; u++) {
            float[] uv = v.row(v.userVectors(), v.userIds().indexOf("u" + u));
            double s = dot(uv, iv);
            int better = 0;
            for (int k = 0; k < v.itemIds().size(); k++) {
                if (k != row && dot(uv, v.row(v.itemVectors(), k)) > s) {
                    better++;
                }
            }
            double pct = better / (double) v.itemIds().size();
            if (topicOfUser(u) == topic) {
                inTopic += pct;
                nIn++;
            } else {
                other += pct;
                nOther++;
            }
        }
        inTopic /= nIn;
        other /= nOther;
        assertTrue(inTopic < 0.2, "for its topic's users the new item ranks in the top fifth on average: " + inTopic);
        assertTrue(other > 0.5, "for the others it does not: " + other);
    }

    @Test
    void badContentIsRejectedNamingItemAndModality(@TempDir Path dir) throws Exception {
        IncrementalModel model = new IncrementalModel(settings());
        model.setContent("a", "image", new float[] {1, 2, 3});
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> model.setContent("b", "image", new float[] {1, 2}));
        assertTrue(e.getMessage().contains("item b") && e.getMessage().contains("image"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> model.setContent("c", "image", new float[] {1, Float.NaN, 3}));
        assertTrue(e.getMessage().contains("item c"), e.getMessage());
        Files.createDirectories(dir.resolve("broken"));
        Files.write(dir.resolve("broken/state.bin"), new byte[] {0, 0, 0, 1, 0});
        IOException io = assertThrows(IOException.class, () -> ModelSnapshot.load(dir.resolve("broken"), settings()));
        assertTrue(io.getMessage().contains("truncated") && io.getMessage().contains("state.bin"), io.getMessage());
    }

    @Test
    void stepsFollowTheChangeAndARemovedEdgeIsNeverAPositive() {
        // batch 256, replay 0.5: 128 new positives per step; one pass, at least 10, at most 1,000 steps
        IncrementalModel m = new IncrementalModel(IncrementalModel.Settings.builder()
                .dim(16)
                .layers(2)
                .learningRate(0.01)
                .batchSize(256)
                .lambda(1e-4)
                .initialEpochs(2)
                .budget(new IncrementalModel.Budget(10, 1.0, 1_000, 0))
                .replayFraction(0.5)
                .seed(5)
                .device(Device.cpu())
                .build());
        Random r = new Random(3);
        for (int u = 0; u < 100; u++) {
            for (int k = 0; k < 5; k++) {
                m.addEdge("u" + u, "i" + r.nextInt(200));
            }
        }
        m.fineTune(1);
        int added = 0;
        for (int u = 0; u < 400 && added < 2560; u++) {
            for (int k = 0; k < 8 && added < 2560; k++) {
                added += m.addEdge("v" + u, "i" + r.nextInt(200)) ? 1 : 0;
            }
        }
        ModelVersion big = m.fineTune(2);
        assertEquals(2560, ((Number) big.metrics().get("new_edges")).intValue());
        assertEquals(20L, big.metrics().get("steps"), "2,560 new edges / 128 per step = 20 steps");
        assertTrue(Double.isFinite((Double) big.metrics().get("loss_new"))
                && Double.isFinite((Double) big.metrics().get("loss_replay")));

        m.addEdge("w1", "i1");
        m.addEdge("w1", "i2");
        assertTrue(m.removeEdge("w1", "i1"));
        ModelVersion small = m.fineTune(3);
        assertEquals(
                1,
                ((Number) small.metrics().get("new_edges")).intValue(),
                "the removed edge is not a new edge any more");
        assertEquals(10L, small.metrics().get("steps"), "one new edge: the minimum");

        m.addEdge("w2", "i3");
        assertTrue(m.removeEdge("w2", "i3"));
        ModelVersion none = m.fineTune(4);
        assertEquals(0, ((Number) none.metrics().get("new_edges")).intValue());
        assertTrue(Double.isNaN((Double) none.metrics().get("loss_new")), "no new edge to measure");
    }

    @Test
    void theTimeLimitStopsAVersionAfterAtLeastOneStep() {
        IncrementalModel m = new IncrementalModel(IncrementalModel.Settings.builder()
                .dim(16)
                .layers(2)
                .learningRate(0.01)
                .batchSize(256)
                .lambda(1e-4)
                .initialEpochs(2)
                .budget(new IncrementalModel.Budget(500, 1.0, 1_000, 1e-6))
                .replayFraction(0.5)
                .seed(5)
                .device(Device.cpu())
                .build());
        for (int u = 0; u < 50; u++) {
            m.addEdge("u" + u, "i" + (u % 30));
        }
        m.fineTune(1);
        m.addEdge("u1", "i7");
        ModelVersion v = m.fineTune(2);
        assertEquals(1L, v.metrics().get("steps"));
        assertEquals(1, v.metrics().get("stopped_by_time"));
        assertEquals(500L, v.metrics().get("steps_wanted"));
    }

    /** On a sparse graph a version's steps propagate over their batches' neighbourhoods; with the crossover at 0, over the whole graph. */
    @Test
    void sparseGraphsTakeNeighbourhoodSteps() {
        for (double crossover : new double[] {0, 0.5}) {
            IncrementalModel m = new IncrementalModel(IncrementalModel.Settings.builder()
                    .dim(16)
                    .layers(2)
                    .learningRate(0.01)
                    .batchSize(16)
                    .lambda(1e-4)
                    .initialEpochs(1)
                    .budget(new IncrementalModel.Budget(20, 0, 20, 0, crossover, 0))
                    .replayFraction(0.5)
                    .seed(5)
                    .device(Device.cpu())
                    .build());
            Random r = new Random(3);
            for (int u = 0; u < 3000; u++) {
                m.addEdge("u" + u, "i" + r.nextInt(3000));
                m.addEdge("u" + u, "i" + r.nextInt(3000));
            }
            m.fineTune(1);
            for (int u = 0; u < 50; u++) {
                m.addEdge("u" + u, "i" + r.nextInt(3000));
            }
            ModelVersion v = m.fineTune(2);
            assertEquals(20L, ((Number) v.metrics().get("steps")).longValue());
            long sub = ((Number) v.metrics().get("subgraph_steps")).longValue();
            if (crossover == 0) {
                assertEquals(0, sub);
            } else {
                assertEquals(20, sub, "a 16-triple batch reaches a small part of a 6,000-node graph in 2 hops");
            }
            assertTrue(Double.isFinite(((Number) v.metrics().get("loss")).doubleValue()));
        }
    }

    /**
     * Serving MM-GEF and RedND: the content kNN graph follows arrivals and withdrawals (and equals a
     * rebuild), an arriving item has its neighbours at once and is published where its content puts it,
     * versions learn, and a snapshot keeps the model's other parameters.
     */
    @Test
    void servedGraphFusionModelsKeepTheContentGraphLive(@TempDir Path dir) throws Exception {
        for (GraphFusionConfig.Kind kind : GraphFusionConfig.Kind.values()) {
            Random r = new Random(11);
            List<int[]>[] split = world(r);
            IncrementalModel model = new IncrementalModel(settings());
            GraphFusionConfig gf = new GraphFusionConfig(kind, 5, 5, 200, 10_000, 1, 1e-3, 0.2, 256, true, "learned");
            model.useGraphFusion(gf);
            int fresh = ITEMS - 6; // the last 6 items arrive later, with content but no edges
            float[][] vectors = new float[ITEMS][];
            for (int i = 0; i < ITEMS; i++) {
                vectors[i] = content(i, r);
            }
            for (int i = 0; i < fresh; i++) {
                model.setContent("i" + i, "text", vectors[i]);
            }
            for (int[] e : split[0]) {
                if (e[1] < fresh) {
                    model.addEdge("u" + e[0], "i" + e[1]);
                }
            }
            ModelVersion v1 = model.fineTune(1);
            assertEquals(
                    kind == GraphFusionConfig.Kind.MMGEF ? 16 : 2 * 16,
                    v1.dim(),
                    "MM-GEF is d wide, RedND channels x d");
            assertEquals(kind.wireName(), v1.metrics().get("model"));
            String key = kind == GraphFusionConfig.Kind.MMGEF ? LiveItemGraphs.FUSED : "text";
            ContentKnn knn = model.liveGraphs().knn(key);
            assertEquals(fresh, knn.size());
            for (int i = fresh; i < ITEMS; i++) { // arrivals: neighbours at once, mostly of their own topic
                model.setContent("i" + i, "text", vectors[i]);
                int idx = v1.itemIds().size() + (i - fresh); // dense ids follow arrival order
                int[] nb = knn.neighbours().ids(idx);
                assertEquals(5, nb.length, "item " + i + " has its neighbours on arrival");
                int same = 0;
                for (int j : nb) {
                    same += topicOfItem(j) == topicOfItem(i) ? 1 : 0;
                }
                assertTrue(same >= 4, "item " + i + ": " + same + " of 5 neighbours share its topic");
            }
            model.withdrawItem("i3");
            assertTrue(!knn.contains(3), "a withdrawn item leaves the graph");
            for (int i = 0; i < ITEMS; i++) {
                for (int j : knn.neighbours().ids(i)) {
                    assertTrue(j != 3, "item " + i + " still lists the withdrawn item");
                }
            }
            // the live graph equals one built from scratch over the items now listed
            float[] rows = new float[ITEMS * CONTENT_DIM];
            boolean[] present = new boolean[ITEMS];
            for (int i = 0; i < ITEMS; i++) {
                int idx =
                        i < fresh ? v1.itemIds().indexOf("i" + i) : v1.itemIds().size() + (i - fresh);
                float[] unit = ContentFeatures.fusedRow(List.of(vectors[i]), new int[] {CONTENT_DIM});
                System.arraycopy(unit, 0, rows, idx * CONTENT_DIM, CONTENT_DIM);
                present[idx] = i != 3;
            }
            ContentKnn rebuilt = ContentKnn.build(rows, present, ITEMS, CONTENT_DIM, ContentKnn.Settings.of(5, 10_000));
            knn.neighbours().grow(ITEMS);
            assertEquals(null, knn.neighbours().firstDifference(rebuilt.neighbours()));
            model.relistItem("i3");
            assertTrue(knn.contains(3));

            ModelVersion v2 = model.fineTune(2);
            // a new item without edges is published near the items of its topic (placed through its content neighbours)
            int better = 0;
            for (int i = fresh; i < ITEMS; i++) {
                float[] x = v2.row(v2.itemVectors(), v2.itemIds().indexOf("i" + i));
                double own = 0;
                double other = 0;
                for (int j = 0; j < fresh; j++) {
                    double c = cosine(x, v2.row(v2.itemVectors(), v2.itemIds().indexOf("i" + j)));
                    if (topicOfItem(j) == topicOfItem(i)) {
                        own += c;
                    } else {
                        other += c;
                    }
                }
                better += own / (fresh / TOPICS) > other / (fresh - fresh / TOPICS) ? 1 : 0;
            }
            assertTrue(better >= 5, kind + ": " + better + " of 6 new items closer to their own topic");
            assertTrue(ndcg(v2, split[0], split[1]) > 0.1, kind + " learned: NDCG@10 " + ndcg(v2, split[0], split[1]));

            Path snap = dir.resolve(kind.wireName());
            model.save(snap);
            assertTrue(Files.exists(snap.resolve(ModelSnapshot.GRAPH_PARAMS)));
            IncrementalModel back = ModelSnapshot.load(snap, settings());
            back.useGraphFusion(gf);
            assertEquals(
                    ITEMS, back.liveGraphs().knn(key).size(), "the live graph is rebuilt from the snapshot's content");
            ModelVersion v3 = back.fineTune(3);
            assertEquals(3, v3.version());
        }
    }

    private static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }
}
