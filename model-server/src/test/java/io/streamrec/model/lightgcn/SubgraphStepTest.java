package io.streamrec.model.lightgcn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;
import io.streamrec.model.graph.CsrPropagation;
import io.streamrec.model.graph.NormalizedAdjacency;
import io.streamrec.model.graph.SubgraphPropagation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Propagation over a batch's K-hop neighbourhood is exactly the full graph's on the rows it touches. */
class SubgraphStepTest {
    private static final InteractionData DATA = SyntheticInteractions.generate(400, 300, 2, 5, 3);

    @Test
    void forwardAndBackwardEqualTheFullGraphsOnSmallGraphs() {
        NormalizedAdjacency adj = NormalizedAdjacency.fromUserItems(DATA.numUsers(), DATA.numItems(), DATA.train());
        int n = adj.numNodes();
        for (int d : new int[] {16, 64}) {
            for (int layers = 0; layers <= 3; layers++) {
                float scale = 1f / (layers + 1);
                float[] e0 = LightGcnTrainer.xavierUniform(n, d, 11 + layers);
                int[] seeds = distinct(new SplittableRandom(layers), n, 7);
                SubgraphPropagation sub = new SubgraphPropagation(adj, d, layers, scale);
                assertTrue(sub.gather(seeds, seeds.length, Long.MAX_VALUE));
                float[] rows = new float[seeds.length * d];
                sub.forward(e0, rows);
                float[] full = new float[n * d];
                try (CsrPropagation p = new CsrPropagation(adj, d, layers, scale, 1)) {
                    p.propagate(e0, full);
                    for (int k = 0; k < seeds.length; k++) {
                        for (int j = 0; j < d; j++) {
                            assertEquals(
                                    full[seeds[k] * d + j],
                                    rows[k * d + j],
                                    1e-6f,
                                    "forward, K=" + layers + ", d=" + d);
                        }
                    }
                    // backward: a gradient on the seeds' rows, propagated back over the full graph
                    float[] g = new float[seeds.length * d];
                    SplittableRandom r = new SplittableRandom(5);
                    for (int x = 0; x < g.length; x++) {
                        g[x] = (float) r.nextGaussian();
                    }
                    float[] gFull = new float[n * d];
                    for (int k = 0; k < seeds.length; k++) {
                        System.arraycopy(g, k * d, gFull, seeds[k] * d, d);
                    }
                    float[] back = new float[n * d];
                    p.propagate(gFull, back);
                    float[] local = sub.backward(g);
                    boolean[] covered = new boolean[n];
                    for (int k = 0; k < sub.size(); k++) {
                        int node = sub.node(k);
                        covered[node] = true;
                        for (int j = 0; j < d; j++) {
                            assertEquals(
                                    back[node * d + j], local[k * d + j], 1e-5f, "backward, K=" + layers + ", d=" + d);
                        }
                    }
                    for (int node = 0; node < n; node++) {
                        if (!covered[node]) {
                            for (int j = 0; j < d; j++) {
                                assertEquals(0f, back[node * d + j], "a row outside the neighbourhood has no gradient");
                            }
                        }
                    }
                }
            }
        }
    }

    /** A sampled neighbourhood: its backward is the exact transpose of its forward, and its forward is unbiased. */
    @Test
    void sampledNeighbourhoodsAreUnbiasedAndTheirBackwardIsTheTranspose() {
        NormalizedAdjacency adj = NormalizedAdjacency.fromUserItems(DATA.numUsers(), DATA.numItems(), DATA.train());
        int n = adj.numNodes();
        int d = 8;
        int layers = 2;
        float[] e0 = LightGcnTrainer.xavierUniform(n, d, 4);
        int[] seeds = distinct(new SplittableRandom(9), n, 5);
        float[] exact = new float[n * d];
        try (CsrPropagation p = new CsrPropagation(adj, d, layers, 1f / 3, 1)) {
            p.propagate(e0, exact);
        }
        SubgraphPropagation sub = new SubgraphPropagation(adj, d, layers, 1f / 3, 2, 17);
        double[] mean = new double[seeds.length * d];
        float[] rows = new float[seeds.length * d];
        int draws = 4000;
        SplittableRandom r = new SplittableRandom(2);
        for (int t = 0; t < draws; t++) {
            assertTrue(sub.gather(seeds, seeds.length, Long.MAX_VALUE));
            sub.forward(e0, rows);
            for (int x = 0; x < rows.length; x++) {
                mean[x] += rows[x] / (double) draws;
            }
            if (t < 5) { // adjoint identity of this draw's linear map: <G, F(E)> = <F^T(G), E>
                float[] g = new float[seeds.length * d];
                for (int x = 0; x < g.length; x++) {
                    g[x] = (float) r.nextGaussian();
                }
                double left = 0;
                for (int x = 0; x < g.length; x++) {
                    left += (double) g[x] * rows[x];
                }
                float[] back = sub.backward(g);
                double right = 0;
                for (int k = 0; k < sub.size(); k++) {
                    for (int j = 0; j < d; j++) {
                        right += (double) back[k * d + j] * e0[sub.node(k) * d + j];
                    }
                }
                assertEquals(
                        left,
                        right,
                        1e-4 * Math.max(1, Math.abs(left)),
                        "backward is the transpose of the sampled forward");
            }
        }
        for (int k = 0; k < seeds.length; k++) {
            for (int j = 0; j < d; j++) {
                assertEquals(exact[seeds[k] * d + j], mean[k * d + j], 0.01, "mean of sampled forwards, seed " + k);
            }
        }
    }

    @Test
    void gatherGivesUpPastItsWorkLimit() {
        NormalizedAdjacency adj = NormalizedAdjacency.fromUserItems(DATA.numUsers(), DATA.numItems(), DATA.train());
        SubgraphPropagation sub = new SubgraphPropagation(adj, 16, 3, 0.25f);
        int[] seeds = distinct(new SplittableRandom(1), adj.numNodes(), 50);
        assertTrue(sub.gather(seeds, seeds.length, Long.MAX_VALUE));
        long work = sub.work();
        assertTrue(work > 0 && work <= 2L * 3 * adj.nnz(), "work " + work);
        assertFalse(sub.gather(seeds, seeds.length, work - 1));
        assertTrue(sub.gather(seeds, seeds.length, work));
    }

    /** One step from the same table with fresh Adam moments: the subgraph step's loss and update equal the full step's. */
    @Test
    void aSubgraphStepEqualsAFullStep() {
        for (int layers : new int[] {1, 2, 3}) {
            LightGcnConfig cfg = LightGcnConfig.builder()
                    .setLayers(layers)
                    .setDim(16)
                    .optBatchSize(8)
                    .optSeed(5)
                    .optThreads(1)
                    .optBackend(LightGcnConfig.Backend.CSR)
                    .build();
            float[][] tables = new float[2][];
            float[][] losses = new float[2][];
            long[] subSteps = new long[2];
            int nodes = DATA.numUsers() + DATA.numItems();
            for (int k = 0; k < 2; k++) {
                try (LightGcnTrainer t =
                        new LightGcnTrainer(DATA.numUsers(), DATA.numItems(), DATA.train(), cfg, Device.cpu(), null)) {
                    t.useAdamState(new LightGcnTrainer.AdamState(new float[nodes * 16], new float[nodes * 16], 0));
                    if (k == 1) {
                        t.useSubgraphSteps(1e9, 0);
                    }
                    BprSampler s = new BprSampler(DATA.numItems(), DATA.train(), cfg.negatives(), 11);
                    s.startEpoch();
                    int[] u = new int[8];
                    int[] p = new int[8];
                    int[] q = new int[8];
                    losses[k] = new float[3];
                    for (int step = 0; step < 3; step++) {
                        int n = s.next(u, p, q);
                        losses[k][step] = t.step(u, p, q, n);
                        if (step == 0) {
                            tables[k] = t.table();
                        }
                    }
                    subSteps[k] = t.subgraphSteps();
                }
            }
            assertEquals(0, subSteps[0]);
            assertEquals(3, subSteps[1]);
            assertEquals(losses[0][0], losses[1][0], 1e-6f, "first loss, K=" + layers);
            for (int x = 0; x < tables[0].length; x++) {
                assertEquals(tables[0][x], tables[1][x], 1e-6f, "table after one step, K=" + layers + ", value " + x);
            }
            // later steps differ only by Adam's laziness (rows without a gradient keep still): losses stay close
            for (int step = 1; step < 3; step++) {
                assertEquals(losses[0][step], losses[1][step], 0.01f, "loss of step " + step + ", K=" + layers);
            }
        }
    }

    @Test
    void aLargeNeighbourhoodFallsBackToTheFullGraph() {
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(3)
                .setDim(16)
                .optBatchSize(256)
                .optSeed(5)
                .optThreads(1)
                .optBackend(LightGcnConfig.Backend.CSR)
                .build();
        int nodes = DATA.numUsers() + DATA.numItems();
        try (LightGcnTrainer t =
                new LightGcnTrainer(DATA.numUsers(), DATA.numItems(), DATA.train(), cfg, Device.cpu(), null)) {
            t.useAdamState(new LightGcnTrainer.AdamState(new float[nodes * 16], new float[nodes * 16], 0));
            t.useSubgraphSteps(0.05, 0); // a 256-triple batch reaches most of this small graph in 3 hops
            BprSampler s = new BprSampler(DATA.numItems(), DATA.train(), cfg.negatives(), 11);
            s.startEpoch();
            int[] u = new int[256];
            int[] p = new int[256];
            int[] q = new int[256];
            int n = s.next(u, p, q);
            float loss = t.step(u, p, q, n);
            assertTrue(Float.isFinite(loss));
            assertEquals(0, t.subgraphSteps());
        }
    }

    private static int[] distinct(SplittableRandom r, int n, int count) {
        return r.ints(0, n).distinct().limit(count).toArray();
    }
}
