package io.streamrec.model.lightgcn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamrec.model.graph.CooAdjacency;
import io.streamrec.model.graph.CsrPropagation;
import io.streamrec.model.graph.NormalizedAdjacency;
import io.streamrec.model.graph.ScalarTensors;
import io.streamrec.model.graph.SubgraphPropagation;
import io.streamrec.model.multimodal.LateFusion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Trains LightGCN (docs/METHODS.md §1) on one training graph: one embedding table E⁽⁰⁾ (users
 * first), propagation recomputed at every step, BPR with λ on the batch's layer-0 rows, Adam.
 *
 * <p>Two backends compute the same step:
 * <ul>
 *   <li>{@code DJL}: autograd through PyTorch's sparse COO matmul. The reference, and the path
 *       on a GPU.
 *   <li>{@code CSR}: forward propagation with {@link CsrPropagation}; the loss and its gradient
 *       with respect to the batch rows on DJL autograd; the gradient with respect to E⁽⁰⁾ by
 *       propagating that gradient again (Â is symmetric); Adam on DJL. E⁽⁰⁾ and its gradient
 *       live in direct buffers that Java and libtorch share, so a step copies no table.
 * </ul>
 * Deterministic for a seed on the CPU. Every per-step tensor lives in a per-step sub-manager.
 */
public final class LightGcnTrainer implements AutoCloseable {
    private static final String PARAM = "E0";

    private final LightGcnConfig config;
    private final int numUsers;
    private final int numItems;
    private final int numNodes;
    private final int dim;
    private final boolean csr;
    private final NDManager manager;
    /** Scalars multiplied inside the autograd graph: they must outlive each backward pass (ScalarTensors). */
    private final ScalarTensors scalars;

    private final Optimizer adam;
    private final BprSampler sampler;
    private final int[][] itemsByUser;
    private final NormalizedAdjacency adjacency;
    /** Propagation over the full training graph: what scoring uses. */
    private final CsrPropagation propagation;
    /** Propagation the steps use: the full graph, or this epoch's graph after edge dropout. */
    private CsrPropagation trainPropagation;

    private final SplittableRandom dropoutRng;
    private final int[] batchUsers;
    private final int[] batchPos;
    private final int[] batchNeg;
    private long steps;
    /**
     * Reused direct buffers for per-step inputs (batch rows, index arrays). DJL wraps a direct
     * buffer zero-copy; anything else it copies into a fresh direct buffer that only a GC frees,
     * which shows up as native memory growth.
     */
    private final ByteBuffer[] stepBuffers = new ByteBuffer[6];
    /** Distinct nodes of the current batch (regularised once each) and a stamp array to find them. */
    private final int[] batchNodes;

    private final int[] nodeStamp;
    private int stamp;

    // CSR backend state: the table and its gradient, shared with libtorch.
    private float[] e0;
    private float[] fin;
    private float[] grad;
    private float[] gradE0;
    private FloatBuffer weightView;
    private FloatBuffer gradView;
    private NDArray gradArray;

    // Both backends: the parameter as libtorch sees it (CSR backend: made when DJL's Adam first runs).
    private NDArray weight;
    // DJL backend: Â as sparse COO.
    private NDArray cooAdjacency;
    private NDManager cooManager;

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
        LightGcnConfig.Backend backend = config.backend();
        if (backend == LightGcnConfig.Backend.AUTO) {
            backend = device.isGpu() ? LightGcnConfig.Backend.DJL : LightGcnConfig.Backend.CSR;
        }
        if (backend == LightGcnConfig.Backend.CSR && device.isGpu()) {
            throw new IllegalArgumentException(
                    "the csr backend runs on the CPU; use --backend djl (or auto) with a GPU");
        }
        this.csr = backend == LightGcnConfig.Backend.CSR;
        this.itemsByUser = itemsByUser;
        this.adjacency = NormalizedAdjacency.fromUserItems(numUsers, numItems, itemsByUser);
        this.dropoutRng = new SplittableRandom(config.seed() ^ 0xD20F0E7L);
        this.sampler = new BprSampler(numItems, itemsByUser, config.negatives(), config.seed());
        this.propagation = new CsrPropagation(adjacency, dim, config.layers(), config.layerScale(), config.threads());
        this.trainPropagation = propagation;
        this.batchUsers = new int[config.batchSize()];
        this.batchPos = new int[config.batchSize()];
        this.batchNeg = new int[config.batchSize()];
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        this.scalars = new ScalarTensors(manager);
        for (int k = 0; k < stepBuffers.length; k++) {
            int rows = k == 3 ? 3 * config.batchSize() : config.batchSize();
            stepBuffers[k] = ByteBuffer.allocateDirect(rows * Math.max(dim * Float.BYTES, Long.BYTES))
                    .order(ByteOrder.nativeOrder());
        }
        this.batchNodes = new int[3 * config.batchSize()];
        this.nodeStamp = new int[numNodes];
        this.adam = Adam.builder()
                .optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                .build();

        float[] table = initialTable != null ? checkTable(initialTable) : xavierUniform(numNodes, dim, config.seed());
        if (csr) {
            e0 = table; // the full-step buffers and DJL's view of the table are made on first use
        } else {
            weight = manager.create(table, new Shape(numNodes, dim));
            weight.setRequiresGradient(true);
            if (config.layers() > 0) {
                cooManager = manager.newSubManager();
                cooAdjacency = CooAdjacency.create(cooManager, adjacency);
            }
        }
    }

    public LightGcnConfig config() {
        return config;
    }

    /** The SpMM kernel of the CSR backend ("vector" or "scalar"), or "djl-coo". */
    public String kernelName() {
        return csr ? propagation.kernelName() : "djl-coo";
    }

    public boolean usesCsrBackend() {
        return csr;
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

    /**
     * Edge dropout: this epoch propagates over a random (1 − p) of the training edges,
     * renormalised with their degrees; positives are still drawn from all edges, and scoring
     * uses the full graph.
     */
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
        if (csr) {
            if (trainPropagation != propagation) {
                trainPropagation.close();
            }
            trainPropagation = new CsrPropagation(dropped, dim, config.layers(), config.layerScale(), config.threads());
        } else {
            cooManager.close();
            cooManager = manager.newSubManager();
            cooAdjacency = CooAdjacency.create(cooManager, dropped);
        }
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

    private AdamState adamState;

    /**
     * Steps update E⁽⁰⁾ with these moments (continued, not restarted) instead of a fresh DJL Adam. CSR
     * backend only; the state's arrays are updated in place.
     */
    public void useAdamState(AdamState s) {
        if (!csr) {
            throw new IllegalStateException("carried Adam state needs the csr backend");
        }
        if (s.m.length != numNodes * dim) {
            throw new IllegalArgumentException("Adam state has " + s.m.length + " values, the table " + numNodes * dim);
        }
        this.adamState = s;
    }

    /** One optimisation step on the first {@code b} triples; returns the batch loss. */
    public float step(int[] users, int[] pos, int[] neg, int b) {
        steps++;
        return csr ? csrStep(users, pos, neg, b) : djlStep(users, pos, neg, b);
    }

    private float djlStep(int[] users, int[] pos, int[] neg, int b) {
        float lossValue;
        try (NDManager sub = manager.newSubManager()) {
            weight.tempAttach(sub);
            if (cooAdjacency != null) {
                cooAdjacency.tempAttach(sub);
            }
            if (fusion != null) { // so that what is computed from them is freed with the step
                fusion.tempAttach(sub);
            }
            if (earlyContent != null) {
                earlyContent.tempAttach(sub);
            }
            NDArray u = indexArray(sub, 0, users, 0, b);
            NDArray p = indexArray(sub, 1, pos, numUsers, b);
            NDArray q = indexArray(sub, 2, neg, numUsers, b);
            int distinct = distinctNodes(users, pos, neg, b);
            NDArray nodes = indexArray(sub, 3, batchNodes, 0, distinct);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray all = propagate(earlyContent != null ? weight.add(earlyContent) : weight);
                NDArray loss = BprLoss.total(
                        rows(all, u),
                        fusedItemRows(all, p),
                        fusedItemRows(all, q),
                        rows(weight, nodes),
                        config.lambda(),
                        scalars);
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
        }
        try (NDArray g = weight.getGradient()) {
            adam.update(PARAM, weight, g);
        }
        updateFusion();
        return lossValue;
    }

    private static NDArray rows(NDArray table, NDArray index) {
        return table.get(new NDIndex("{}", index));
    }

    /** E = scale · Σ_k Â^k E⁽⁰⁾ on DJL (differentiable). */
    private NDArray propagate(NDArray table) {
        NDArray acc = table;
        NDArray cur = table;
        for (int k = 0; k < config.layers(); k++) {
            cur = cooAdjacency.matMul(cur);
            acc = acc.add(cur);
        }
        return acc.mul(scalars.of(config.layerScale()));
    }

    /**
     * Late (or early) fusion of item embeddings with modality vectors (docs/METHODS.md §2), applied
     * in every step and in {@link #finalEmbeddings}; what the variant learns (W_j, projected
     * vectors, α) is trained by the same Adam. Call before training; the trainer owns its
     * device arrays from then on.
     */
    public void useFusion(LateFusion f) {
        if (f == null || f.numItems() != numItems) {
            throw new IllegalArgumentException("fusion must cover the graph's " + numItems + " items");
        }
        this.fusion = f;
        boolean[] noEdges = new boolean[numItems];
        Arrays.fill(noEdges, true);
        for (int[] items : itemsByUser) {
            for (int i : items) {
                noEdges[i] = false;
            }
        }
        f.contentOnlyFor(noEdges);
        f.attach(manager);
        float[] content = f.earlyContent();
        if (content != null) { // early fusion: item layer-0 rows get C_i added before propagation
            earlyPad = new float[numNodes * dim];
            System.arraycopy(content, 0, earlyPad, numUsers * dim, content.length);
            if (!csr) {
                earlyContent = manager.create(earlyPad, new Shape(numNodes, dim));
            } else {
                layer0 = new float[numNodes * dim];
            }
        }
    }

    private LateFusion fusion;
    /** Early fusion: the constant added to E⁽⁰⁾ before propagation (N×d, zero user rows). */
    private float[] earlyPad;

    private NDArray earlyContent;
    private float[] layer0;

    private NDArray fusedItemRows(NDArray all, NDArray itemNodes) {
        NDArray r = rows(all, itemNodes);
        return fusion == null ? r : fusion.fuse(r, itemNodes.sub(numUsers));
    }

    /** One Adam step on each parameter the fusion learns (their gradients are from this step's backward). */
    private void updateFusion() {
        if (fusion == null) {
            return;
        }
        for (var p : fusion.parameters().entrySet()) {
            try (NDArray g = p.getValue().getGradient()) {
                adam.update(p.getKey(), p.getValue(), g);
            }
        }
    }

    /** E⁽⁰⁾ as propagation sees it: the table, plus early fusion's content on item rows. */
    private float[] layer0(float[] table, float[] into) {
        if (earlyPad == null) {
            return table;
        }
        for (int k = 0; k < into.length; k++) {
            into[k] = table[k] + earlyPad[k];
        }
        return into;
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
        boolean able = csr && adamState != null && fusion == null && earlyPad == null && config.edgeDropout() == 0;
        if (crossover > 0 && !able) {
            throw new IllegalStateException(
                    "subgraph steps need the csr backend, carried Adam state, no fusion and no edge dropout");
        }
        this.subgraphCrossover = crossover;
        this.subgraph = crossover > 0
                ? new SubgraphPropagation(
                        adjacency, dim, config.layers(), config.layerScale(), fanout, config.seed() ^ 0x5AB6L)
                : null;
    }

    private SubgraphPropagation subgraph;
    private double subgraphCrossover;
    private long subgraphSteps;
    private float[] seedFin = new float[0];
    private float[] seedGrad = new float[0];

    /** Steps so far that propagated over their batch's neighbourhood instead of the full graph. */
    public long subgraphSteps() {
        return subgraphSteps;
    }

    /** Non-zeros the last step visited if it was a subgraph step, else 0. */
    public long lastSubgraphWork() {
        return lastSubgraphWork;
    }

    private long lastSubgraphWork;

    /** Non-zeros one full-graph step visits: K layers forward and K backward. */
    public long fullStepWork() {
        return 2L * config.layers() * adjacency.nnz();
    }

    private float csrStep(int[] users, int[] pos, int[] neg, int b) {
        int distinct = distinctNodes(users, pos, neg, b);
        if (subgraph != null && subgraph.gather(batchNodes, distinct, (long) (subgraphCrossover * fullStepWork()))) {
            subgraphSteps++;
            lastSubgraphWork = subgraph.work();
            return subgraphStep(users, pos, neg, b, distinct);
        }
        lastSubgraphWork = 0;
        if (fin == null) {
            fin = new float[numNodes * dim];
            grad = new float[numNodes * dim];
            gradE0 = new float[numNodes * dim];
        }
        trainPropagation.propagate(layer0(e0, layer0), fin);
        float lossValue;
        float[][] grads = new float[3][];
        try (NDManager sub = manager.newSubManager()) {
            NDList leaves = new NDList(
                    rowsArray(sub, 0, fin, users, 0, b),
                    rowsArray(sub, 1, fin, pos, numUsers, b),
                    rowsArray(sub, 2, fin, neg, numUsers, b));

            for (NDArray a : leaves) {
                a.setRequiresGradient(true);
            }
            if (fusion != null) {
                fusion.tempAttach(sub);
            }
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray posRows = leaves.get(1);
                NDArray negRows = leaves.get(2);
                if (fusion != null) { // scoring sees fused item rows; the leaves' gradients are then dL/de_i
                    posRows = fusion.fuse(posRows, indexArray(sub, 4, pos, 0, b));
                    negRows = fusion.fuse(negRows, indexArray(sub, 5, neg, 0, b));
                }
                NDArray loss = BprLoss.ranking(leaves.get(0), posRows, negRows);
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
            for (int k = 0; k < 3; k++) {
                try (NDArray g = leaves.get(k).getGradient()) {
                    grads[k] = g.toFloatArray();
                }
            }
        }
        scatterAdd(grad, users, 0, b, grads[0]);
        scatterAdd(grad, pos, numUsers, b, grads[1]);
        scatterAdd(grad, neg, numUsers, b, grads[2]);
        trainPropagation.propagate(grad, gradE0);
        // grad is non-zero only on the batch's rows: clear those, not the whole N×d table.
        for (int k = 0; k < distinct; k++) {
            Arrays.fill(grad, batchNodes[k] * dim, (batchNodes[k] + 1) * dim, 0f);
        }
        // λ‖E⁽⁰⁾[nodes]‖²/B: value and gradient 2λ/B·E⁽⁰⁾ in closed form, in double like the rest of the sum.
        double reg = 0;
        float coef = (float) (2 * config.lambda() / b);
        for (int k = 0; k < distinct; k++) {
            int o = batchNodes[k] * dim;
            for (int j = 0; j < dim; j++) {
                float v = e0[o + j];
                reg += (double) v * v;
                gradE0[o + j] += coef * v;
            }
        }
        lossValue += (float) (config.lambda() * reg / b);
        if (adamState != null) {
            adamState.update(e0, gradE0, (float) config.learningRate());
        } else {
            djlTable();
            weightView.put(0, e0);
            gradView.put(0, gradE0);
            adam.update(PARAM, weight, gradArray);
            weightView.get(0, e0);
        }
        updateFusion();
        return lossValue;
    }

    /** A step over the gathered neighbourhood: the same loss and gradient as {@link #csrStep}'s full one, then lazy Adam. */
    private float subgraphStep(int[] users, int[] pos, int[] neg, int b, int distinct) {
        if (seedFin.length < distinct * dim) {
            seedFin = new float[Math.max(distinct * dim, 2 * seedFin.length)];
            seedGrad = new float[seedFin.length];
        }
        subgraph.forward(e0, seedFin);
        // local ids: seed k is batchNodes[k]; users, positives and negatives as local rows of seedFin
        int[] lu = localIds(0, users, 0, b);
        int[] lp = localIds(1, pos, numUsers, b);
        int[] ln = localIds(2, neg, numUsers, b);
        float lossValue;
        float[][] grads = new float[3][];
        try (NDManager sub = manager.newSubManager()) {
            NDList leaves = new NDList(
                    rowsArray(sub, 0, seedFin, lu, 0, b),
                    rowsArray(sub, 1, seedFin, lp, 0, b),
                    rowsArray(sub, 2, seedFin, ln, 0, b));
            for (NDArray a : leaves) {
                a.setRequiresGradient(true);
            }
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = BprLoss.ranking(leaves.get(0), leaves.get(1), leaves.get(2));
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
            for (int k = 0; k < 3; k++) {
                try (NDArray g = leaves.get(k).getGradient()) {
                    grads[k] = g.toFloatArray();
                }
            }
        }
        Arrays.fill(seedGrad, 0, distinct * dim, 0f);
        scatterAdd(seedGrad, lu, 0, b, grads[0]);
        scatterAdd(seedGrad, lp, 0, b, grads[1]);
        scatterAdd(seedGrad, ln, 0, b, grads[2]);
        float[] g = subgraph.backward(seedGrad);
        double reg = 0;
        float coef = (float) (2 * config.lambda() / b);
        for (int k = 0; k < distinct; k++) {
            int o = batchNodes[k] * dim;
            int lo = k * dim;
            for (int j = 0; j < dim; j++) {
                float v = e0[o + j];
                reg += (double) v * v;
                g[lo + j] += coef * v;
            }
        }
        lossValue += (float) (config.lambda() * reg / b);
        adamState.updateRows(e0, g, subgraph, dim, (float) config.learningRate());
        return lossValue;
    }

    private final int[][] localIdBuffers = new int[3][];

    private int[] localIds(int slot, int[] ids, int offset, int b) {
        int[] out = localIdBuffers[slot];
        if (out == null || out.length < b) {
            out = localIdBuffers[slot] = new int[Math.max(b, config.batchSize())];
        }
        for (int k = 0; k < b; k++) {
            out[k] = subgraph.local(ids[k] + offset);
        }
        return out;
    }

    /** DJL's view of E⁽⁰⁾ and of its gradient (CSR backend, DJL's Adam): direct buffers shared with libtorch, made once. */
    private void djlTable() {
        if (weight != null) {
            return;
        }
        ByteBuffer wb = ByteBuffer.allocateDirect(numNodes * dim * Float.BYTES).order(ByteOrder.nativeOrder());
        ByteBuffer gb = ByteBuffer.allocateDirect(numNodes * dim * Float.BYTES).order(ByteOrder.nativeOrder());
        weightView = wb.asFloatBuffer();
        gradView = gb.asFloatBuffer();
        weightView.put(0, e0);
        weight = manager.create(wb, new Shape(numNodes, dim), DataType.FLOAT32);
        gradArray = manager.create(gb, new Shape(numNodes, dim), DataType.FLOAT32);
        checkSharedMemory();
    }

    private void scatterAdd(float[] target, int[] ids, int offset, int b, float[] rows) {
        for (int k = 0; k < b; k++) {
            int t = (ids[k] + offset) * dim;
            int s = k * dim;
            for (int j = 0; j < dim; j++) {
                target[t + j] += rows[s + j];
            }
        }
    }

    /** Collects the distinct node ids (users, then U + item) of the batch into {@link #batchNodes}; returns how many. */
    private int distinctNodes(int[] users, int[] pos, int[] neg, int b) {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(nodeStamp, 0);
            stamp = 1;
        }
        int n = 0;
        for (int k = 0; k < b; k++) {
            n = mark(users[k], n);
            n = mark(numUsers + pos[k], n);
            n = mark(numUsers + neg[k], n);
        }
        return n;
    }

    private int mark(int node, int n) {
        if (nodeStamp[node] != stamp) {
            nodeStamp[node] = stamp;
            batchNodes[n++] = node;
        }
        return n;
    }

    /** ids + offset as an int64 tensor backed by reused step buffer {@code slot}. */
    private NDArray indexArray(NDManager sub, int slot, int[] ids, int offset, int b) {
        ByteBuffer buf = stepBuffer(slot, b * Long.BYTES);
        for (int k = 0; k < b; k++) {
            buf.putLong(k * Long.BYTES, (long) ids[k] + offset);
        }
        return sub.create(buf, new Shape(b), DataType.INT64);
    }

    /** Rows {@code ids + offset} of {@code table} as a b×d tensor backed by reused step buffer {@code slot}. */
    private NDArray rowsArray(NDManager sub, int slot, float[] table, int[] ids, int offset, int b) {
        ByteBuffer buf = stepBuffer(slot, b * dim * Float.BYTES);
        FloatBuffer view = buf.asFloatBuffer();
        for (int k = 0; k < b; k++) {
            view.put(k * dim, table, (ids[k] + offset) * dim, dim);
        }
        return sub.create(buf, new Shape(b, dim), DataType.FLOAT32);
    }

    private ByteBuffer stepBuffer(int slot, int bytes) {
        return stepBuffers[slot].slice(0, bytes).order(ByteOrder.nativeOrder());
    }

    /** A copy of the trainable table E⁽⁰⁾ (N×d, users first). */
    public float[] table() {
        if (csr) {
            return e0.clone();
        }
        return weight.toFloatArray();
    }

    /** The propagated embeddings E (N×d, users first) that scoring uses. */
    public float[] finalEmbeddings() {
        return finalEmbeddings(table());
    }

    /** E for another table of this graph's shape (e.g. an earlier epoch's kept by early stopping), over the full graph. */
    public float[] finalEmbeddings(float[] table) {
        float[] out = new float[numNodes * dim];
        propagation.propagate(layer0(table, new float[earlyPad == null ? 0 : numNodes * dim]), out);
        if (fusion != null) {
            fusion.fuseItems(out, numUsers);
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

    /** The CSR backend relies on libtorch writing the Adam update into the Java-visible buffer. */
    private void checkSharedMemory() {
        float probe = weightView.get(0);
        weightView.put(0, probe + 1f);
        float seen = weight.getFloat(0, 0);
        weightView.put(0, probe);
        if (seen != probe + 1f) {
            throw new IllegalStateException("DJL copied a direct buffer instead of sharing it; use --backend djl");
        }
    }

    @Override
    public void close() {
        if (trainPropagation != propagation) {
            trainPropagation.close();
        }
        propagation.close();
        if (fusion != null) {
            fusion.detach();
        }
        manager.close();
    }
}
