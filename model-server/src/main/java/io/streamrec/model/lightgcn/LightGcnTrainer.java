package io.streamrec.model.lightgcn;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamrec.model.graph.CsrPropagation;
import io.streamrec.model.graph.NormalizedAdjacency;
import io.streamrec.model.graph.ScalarTensors;
import io.streamrec.model.graph.SubgraphPropagation;
import io.streamrec.model.multimodal.LateFusion;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Trains LightGCN (docs/METHODS.md §1) on one training graph: one embedding table E⁽⁰⁾ (users
 * first), propagation recomputed at every step, BPR with λ on the batch's layer-0 rows, Adam.
 * This class holds what both backends share (the graph, the sampler, the batch, fusion, edge
 * dropout, the final embeddings); a {@link LightGcnBackend} owns E⁽⁰⁾ and computes the step:
 * <ul>
 *   <li>{@link DjlBackend}: autograd through PyTorch's sparse COO matmul. The reference, and the
 *       path on a GPU.
 *   <li>{@link CsrBackend}: propagation with {@link CsrPropagation} and the backward pass as the
 *       same propagation of the gradient (Â is symmetric); optionally a step over the batch's
 *       K-hop neighbourhood alone.
 * </ul>
 * Deterministic for a seed on the CPU. Every per-step tensor lives in a per-step sub-manager.
 */
public final class LightGcnTrainer implements AutoCloseable {
    private final LightGcnConfig config;
    private final int numUsers;
    private final int numItems;
    private final int numNodes;
    private final int dim;
    private final NDManager manager;
    private final BprSampler sampler;
    private final int[][] itemsByUser;
    private final NormalizedAdjacency adjacency;
    /** Propagation over the full training graph: what scoring uses. */
    private final CsrPropagation propagation;

    private final SplittableRandom dropoutRng;
    private final int[] batchUsers;
    private final int[] batchPos;
    private final int[] batchNeg;
    private long steps;
    private final LightGcnBackend backend;
    /** The same object as {@link #backend} when it is the CSR one, else null. */
    private final CsrBackend csr;

    private ItemFusion fusion;

    /**
     * @param itemsByUser training items per user (sorted, unique): the graph and the positives
     * @param initialTable a warm-start E⁽⁰⁾ (N×d, users first), or null for Xavier-uniform init
     */
    public LightGcnTrainer(
            int numUsers,
            int numItems,
            int[][] itemsByUser,
            LightGcnConfig config,
            Device device,
            float[] initialTable) {
        this.config = config;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.numNodes = numUsers + numItems;
        this.dim = config.dim();
        Math.multiplyExact(numNodes, dim); // the table must be indexable by int
        LightGcnConfig.Backend kind = config.backend();
        if (kind == LightGcnConfig.Backend.AUTO) {
            kind = device.isGpu() ? LightGcnConfig.Backend.DJL : LightGcnConfig.Backend.CSR;
        }
        if (kind == LightGcnConfig.Backend.CSR && device.isGpu()) {
            throw new IllegalArgumentException(
                    "the csr backend runs on the CPU; use --backend djl (or auto) with a GPU");
        }
        this.itemsByUser = itemsByUser;
        this.adjacency = NormalizedAdjacency.fromUserItems(numUsers, numItems, itemsByUser);
        this.dropoutRng = new SplittableRandom(config.seed() ^ 0xD20F0E7L);
        this.sampler = new BprSampler(numItems, itemsByUser, config.negatives(), config.seed());
        this.propagation = new CsrPropagation(adjacency, dim, config.layers(), config.layerScale(), config.threads());
        this.batchUsers = new int[config.batchSize()];
        this.batchPos = new int[config.batchSize()];
        this.batchNeg = new int[config.batchSize()];
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        Optimizer adam = Adam.builder()
                .optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                .build();
        StepTensors tensors = new StepTensors(config.batchSize(), dim);
        BatchNodes batch = new BatchNodes(numUsers, numNodes, config.batchSize());
        float[] table = initialTable != null ? checkTable(initialTable) : xavierUniform(numNodes, dim, config.seed());
        if (kind == LightGcnConfig.Backend.CSR) {
            csr = new CsrBackend(
                    config, numUsers, numNodes, adjacency, propagation, table, manager, adam, tensors, batch);
            backend = csr;
        } else {
            csr = null;
            backend = new DjlBackend(
                    config,
                    numUsers,
                    numNodes,
                    adjacency,
                    table,
                    manager,
                    new ScalarTensors(manager),
                    adam,
                    tensors,
                    batch);
        }
    }

    public LightGcnConfig config() {
        return config;
    }

    /** The SpMM kernel of the CSR backend ("vector" or "scalar"), or "djl-coo". */
    public String kernelName() {
        return backend.kernelName();
    }

    public boolean usesCsrBackend() {
        return csr != null;
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    public int stepsPerEpoch() {
        return sampler.batchesPerEpoch(config.batchSize());
    }

    public long steps() {
        return steps;
    }

    /** Receives progress within an epoch. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, int stepsInEpoch, double meanLossSoFar);
    }

    /** One pass over all training edges; returns the mean training loss. */
    public double trainEpoch(StepListener listener) {
        if (config.edgeDropout() > 0 && config.layers() > 0) {
            dropEdges();
        }
        return sampler.epoch(batchUsers, batchPos, batchNeg, config.batchSize(), this::step, listener);
    }

    private void dropEdges() {
        double keep = 1 - config.edgeDropout();
        int[][] kept = new int[itemsByUser.length][];
        for (int u = 0; u < itemsByUser.length; u++) {
            int[] items = itemsByUser[u];
            int[] k = new int[items.length];
            int n = 0;
            for (int i : items) {
                if (dropoutRng.nextDouble() < keep) {
                    k[n++] = i;
                }
            }
            kept[u] = Arrays.copyOf(k, n);
        }
        NormalizedAdjacency dropped = NormalizedAdjacency.fromUserItems(numUsers, numItems, kept);
        backend.useGraph(dropped);
    }

    /**
     * Adam's moments of E⁽⁰⁾ as plain arrays, so they can outlive one trainer: the incremental model
     * keeps them across versions (rows of new users and items start at zero). The update is DJL's
     * Adam's (β₁ 0.9, β₂ 0.999, ε 1e-8, bias-corrected step size), element-wise on the table.
     */
    public static final class AdamState {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final float EPSILON = 1e-8f;
        public final float[] m;
        public final float[] v;
        public long t;

        public AdamState(float[] m, float[] v, long t) {
            if (m.length != v.length) {
                throw new IllegalArgumentException(
                        "Adam moments of different lengths: " + m.length + " and " + v.length);
            }
            this.m = m;
            this.v = v;
            this.t = t;
        }

        void update(float[] w, float[] g, float lr) {
            t++;
            float step = (float) (lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
            float b1 = (float) BETA1;
            float b2 = (float) BETA2;
            for (int k = 0; k < w.length; k++) {
                float gk = g[k];
                float mk = b1 * m[k] + (1 - b1) * gk;
                float vk = b2 * v[k] + (1 - b2) * gk * gk;
                m[k] = mk;
                v[k] = vk;
                w[k] -= step * mk / ((float) Math.sqrt(vk) + EPSILON);
            }
        }

        /** Lazy Adam: one step counted, applied only to the gathered neighbourhood's rows (their gradient in {@code g}, local order). */
        void updateRows(float[] w, float[] g, SubgraphPropagation rows, int d, float lr) {
            t++;
            float step = (float) (lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
            float b1 = (float) BETA1;
            float b2 = (float) BETA2;
            for (int r = 0, n = rows.size(); r < n; r++) {
                int o = rows.node(r) * d;
                int lo = r * d;
                for (int j = 0; j < d; j++) {
                    float gk = g[lo + j];
                    float mk = b1 * m[o + j] + (1 - b1) * gk;
                    float vk = b2 * v[o + j] + (1 - b2) * gk * gk;
                    m[o + j] = mk;
                    v[o + j] = vk;
                    w[o + j] -= step * mk / ((float) Math.sqrt(vk) + EPSILON);
                }
            }
        }
    }

    /**
     * Steps update E⁽⁰⁾ with these moments (continued, not restarted) instead of a fresh DJL Adam. CSR
     * backend only; the state's arrays are updated in place.
     */
    public void useAdamState(AdamState s) {
        if (csr == null) {
            throw new IllegalStateException("carried Adam state needs the csr backend");
        }
        if (s.m.length != numNodes * dim) {
            throw new IllegalArgumentException("Adam state has " + s.m.length + " values, the table " + numNodes * dim);
        }
        csr.useAdamState(s);
    }

    /** One optimisation step on the first {@code b} triples; returns the batch loss. */
    public float step(int[] users, int[] pos, int[] neg, int b) {
        steps++;
        return backend.step(users, pos, neg, b);
    }

    /**
     * Late (or early) fusion of item embeddings with modality vectors (docs/METHODS.md §2), applied
     * in every step and in {@link #finalEmbeddings}; what the variant learns (W_j, projected
     * vectors, α) is trained by the same Adam. Call before training; the trainer owns its
     * device arrays from then on.
     */
    public void useFusion(LateFusion f) {
        fusion = new ItemFusion(f, numUsers, numItems, dim, itemsByUser, manager);
        backend.useFusion(fusion);
    }

    /**
     * Lets a step propagate over its batch's K-hop neighbourhood alone ({@link SubgraphPropagation})
     * when that costs less than {@code crossover} × the full graph's propagation, counted in non-zeros
     * visited; 0 turns it off. With every neighbour kept, such a step is exact for the batch's loss and gradient; its Adam update
     * is lazy (only the rows with a gradient move, as PyTorch's SparseAdam), so its cost follows the
     * neighbourhood, not the table. With {@code fanout} > 0 a node propagates from at most that many
     * sampled neighbours ({@link SubgraphPropagation}), which bounds the neighbourhood whatever the
     * hubs' degrees; 0 keeps every neighbour (exact). Needs the CSR backend with carried Adam state
     * ({@link #useAdamState}), no fusion and no edge dropout; otherwise every step is a full one.
     */
    public void useSubgraphSteps(double crossover, int fanout) {
        if (!(crossover >= 0)) {
            throw new IllegalArgumentException("subgraph crossover must be >= 0, got " + crossover);
        }
        boolean able = csr != null && csr.hasAdamState() && fusion == null && config.edgeDropout() == 0;
        if (crossover > 0 && !able) {
            throw new IllegalStateException(
                    "subgraph steps need the csr backend, carried Adam state, no fusion and no edge dropout");
        }
        if (csr != null) {
            csr.useSubgraphSteps(crossover, fanout, (long) (crossover * fullStepWork()));
        }
    }

    /** Steps so far that propagated over their batch's neighbourhood instead of the full graph. */
    public long subgraphSteps() {
        return csr == null ? 0 : csr.subgraphSteps();
    }

    /** Non-zeros the last step visited if it was a subgraph step, else 0. */
    public long lastSubgraphWork() {
        return csr == null ? 0 : csr.lastSubgraphWork();
    }

    /** Non-zeros one full-graph step visits: K layers forward and K backward. */
    public long fullStepWork() {
        return 2L * config.layers() * adjacency.nnz();
    }

    /** A copy of the trainable table E⁽⁰⁾ (N×d, users first). */
    public float[] table() {
        return backend.table();
    }

    /** The propagated embeddings E (N×d, users first) that scoring uses. */
    public float[] finalEmbeddings() {
        return finalEmbeddings(table());
    }

    /** E for another table of this graph's shape (e.g. an earlier epoch's kept by early stopping), over the full graph. */
    public float[] finalEmbeddings(float[] table) {
        float[] out = new float[numNodes * dim];
        boolean early = fusion != null && fusion.earlyPad() != null;
        propagation.propagate(ItemFusion.layer0(fusion, table, new float[early ? numNodes * dim : 0]), out);
        if (fusion != null) {
            fusion.fuseItems(out);
        }
        return out;
    }

    /**
     * Mean BPR term (no regularisation) over the given held-out pairs, with negatives drawn
     * uniformly by a fixed seed so the figure is comparable across epochs: the reference
     * logs' V-Loss.
     */
    public static double heldOutLoss(
            float[] finalEmbeddings, int numUsers, int numItems, int dim, int[][] pairs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double sum = 0;
        long n = 0;
        for (int u = 0; u < pairs.length; u++) {
            for (int i : pairs[u]) {
                sum += bprTerm(finalEmbeddings, numUsers, dim, u, i, rng.nextInt(numItems));
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** {@link #heldOutLoss} over (user &lt;&lt; 32 | item) pairs, one uniform negative each. */
    public static double heldOutLoss(
            float[] finalEmbeddings, int numUsers, int numItems, int dim, long[] pairs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double sum = 0;
        for (long e : pairs) {
            sum += bprTerm(finalEmbeddings, numUsers, dim, (int) (e >>> 32), (int) e, rng.nextInt(numItems));
        }
        return pairs.length == 0 ? Double.NaN : sum / pairs.length;
    }

    /** −log σ(e_u · (e_pos − e_neg)), computed stably. */
    private static double bprTerm(float[] fin, int numUsers, int dim, int u, int pos, int neg) {
        int uo = u * dim;
        int po = (numUsers + pos) * dim;
        int no = (numUsers + neg) * dim;
        double x = 0;
        for (int j = 0; j < dim; j++) {
            x += fin[uo + j] * (double) (fin[po + j] - fin[no + j]);
        }
        return x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    }

    /** Xavier-uniform as PyTorch initialises an (N, d) table: U(±sqrt(6 / (N + d))), seeded. */
    public static float[] xavierUniform(int rows, int cols, long seed) {
        double bound = Math.sqrt(6.0 / (rows + cols));
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] t = new float[Math.multiplyExact(rows, cols)];
        for (int k = 0; k < t.length; k++) {
            t[k] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return t;
    }

    private float[] checkTable(float[] table) {
        if (table.length != numNodes * dim) {
            throw new IllegalArgumentException("warm-start table has " + table.length + " values, expected " + numNodes
                    + " nodes x " + dim + " = " + (numNodes * dim));
        }
        for (float v : table) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("warm-start table contains a non-finite value");
            }
        }
        return table.clone();
    }

    @Override
    public void close() {
        backend.close();
        propagation.close();
        if (fusion != null) {
            fusion.close();
        }
        manager.close();
    }
}
