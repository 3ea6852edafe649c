package io.streamrec.model.lightgcn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.streamrec.model.graph.CsrPropagation;
import io.streamrec.model.graph.NormalizedAdjacency;
import io.streamrec.model.graph.SubgraphPropagation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The fast CPU step: forward propagation with {@link CsrPropagation}; the loss and its gradient
 * with respect to the batch rows on DJL autograd; the gradient with respect to E⁽⁰⁾ by propagating
 * that gradient again (Â is symmetric); Adam on DJL, or on carried moments ({@link
 * LightGcnTrainer.AdamState}). Optionally a step propagates over its batch's K-hop neighbourhood
 * alone ({@link SubgraphPropagation}). Owns E⁽⁰⁾, the propagated table, the gradient buffers and,
 * for DJL's Adam, direct buffers that Java and libtorch share, so a step copies no table.
 */
final class CsrBackend implements LightGcnBackend {
    private static final String PARAM = "E0";

    private final LightGcnConfig config;
    private final int numUsers;
    private final int numNodes;
    private final int dim;
    private final NDManager manager;
    private final Optimizer adam;
    private final StepTensors tensors;
    private final BatchNodes batch;
    private final NormalizedAdjacency adjacency;
    /** The full graph's propagation (the trainer's, for scoring); the steps' is this or an epoch's after dropout. */
    private final CsrPropagation propagation;

    private CsrPropagation trainPropagation;
    private final float[] e0;
    private float[] fin;
    private float[] grad;
    private float[] gradE0;
    /** DJL's view of E⁽⁰⁾ and of its gradient (for DJL's Adam), made on first use. */
    private FloatBuffer weightView;

    private FloatBuffer gradView;
    private NDArray weight;
    private NDArray gradArray;
    private LightGcnTrainer.AdamState adamState;
    private ItemFusion fusion;
    private float[] layer0;

    private SubgraphPropagation subgraph;
    /** Non-zeros a subgraph step may visit: the crossover times a full step's. */
    private long subgraphMaxWork;

    private long subgraphSteps;
    private long lastSubgraphWork;
    private float[] seedFin = new float[0];
    private float[] seedGrad = new float[0];
    private final int[][] localIdBuffers = new int[3][];

    CsrBackend(
            LightGcnConfig config,
            int numUsers,
            int numNodes,
            NormalizedAdjacency adjacency,
            CsrPropagation propagation,
            float[] table,
            NDManager manager,
            Optimizer adam,
            StepTensors tensors,
            BatchNodes batch) {
        this.config = config;
        this.numUsers = numUsers;
        this.numNodes = numNodes;
        this.dim = config.dim();
        this.adjacency = adjacency;
        this.propagation = propagation;
        this.trainPropagation = propagation;
        this.e0 = table; // the full-step buffers and DJL's view of the table are made on first use
        this.manager = manager;
        this.adam = adam;
        this.tensors = tensors;
        this.batch = batch;
    }

    @Override
    public void useFusion(ItemFusion f) {
        this.fusion = f;
        if (f.earlyPad() != null) {
            layer0 = new float[numNodes * dim];
        }
    }

    @Override
    public void useGraph(NormalizedAdjacency graph) {
        if (trainPropagation != propagation) {
            trainPropagation.close();
        }
        trainPropagation = new CsrPropagation(graph, dim, config.layers(), config.layerScale(), config.threads());
    }

    void useAdamState(LightGcnTrainer.AdamState s) {
        this.adamState = s;
    }

    boolean hasAdamState() {
        return adamState != null;
    }

    /** Subgraph steps ({@link LightGcnTrainer#useSubgraphSteps}) when their work stays within {@code maxWork} non-zeros. */
    void useSubgraphSteps(double crossover, int fanout, long maxWork) {
        this.subgraphMaxWork = maxWork;
        this.subgraph = crossover > 0
                ? new SubgraphPropagation(
                        adjacency, dim, config.layers(), config.layerScale(), fanout, config.seed() ^ 0x5AB6L)
                : null;
    }

    long subgraphSteps() {
        return subgraphSteps;
    }

    long lastSubgraphWork() {
        return lastSubgraphWork;
    }

    @Override
    public float step(int[] users, int[] pos, int[] neg, int b) {
        int distinct = batch.collect(users, pos, neg, b);
        int[] batchNodes = batch.nodes();
        if (subgraph != null && subgraph.gather(batchNodes, distinct, subgraphMaxWork)) {
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
        trainPropagation.propagate(ItemFusion.layer0(fusion, e0, layer0), fin);
        float lossValue;
        float[][] grads = new float[3][];
        try (NDManager sub = manager.newSubManager()) {
            NDList leaves = new NDList(
                    tensors.rows(sub, 0, fin, users, 0, b),
                    tensors.rows(sub, 1, fin, pos, numUsers, b),
                    tensors.rows(sub, 2, fin, neg, numUsers, b));

            for (NDArray a : leaves) {
                a.setRequiresGradient(true);
            }
            if (fusion != null) {
                fusion.attach(sub);
            }
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray posRows = leaves.get(1);
                NDArray negRows = leaves.get(2);
                if (fusion != null) { // scoring sees fused item rows; the leaves' gradients are then dL/de_i
                    posRows = fusion.fuse(posRows, tensors.ids(sub, 4, pos, 0, b));
                    negRows = fusion.fuse(negRows, tensors.ids(sub, 5, neg, 0, b));
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
        if (fusion != null) {
            fusion.update(adam);
        }
        return lossValue;
    }

    /** A step over the gathered neighbourhood: the same loss and gradient as a full step's, then lazy Adam. */
    private float subgraphStep(int[] users, int[] pos, int[] neg, int b, int distinct) {
        if (seedFin.length < distinct * dim) {
            seedFin = new float[Math.max(distinct * dim, 2 * seedFin.length)];
            seedGrad = new float[seedFin.length];
        }
        subgraph.forward(e0, seedFin);
        // local ids: seed k is the batch's k-th distinct node; users, positives and negatives as local rows of seedFin
        int[] lu = localIds(0, users, 0, b);
        int[] lp = localIds(1, pos, numUsers, b);
        int[] ln = localIds(2, neg, numUsers, b);
        float lossValue;
        float[][] grads = new float[3][];
        try (NDManager sub = manager.newSubManager()) {
            NDList leaves = new NDList(
                    tensors.rows(sub, 0, seedFin, lu, 0, b),
                    tensors.rows(sub, 1, seedFin, lp, 0, b),
                    tensors.rows(sub, 2, seedFin, ln, 0, b));
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
        int[] batchNodes = batch.nodes();
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

    /** DJL's view of E⁽⁰⁾ and of its gradient (DJL's Adam): direct buffers shared with libtorch, made once. */
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

    /** This backend relies on libtorch writing the Adam update into the Java-visible buffer. */
    private void checkSharedMemory() {
        float probe = weightView.get(0);
        weightView.put(0, probe + 1f);
        float seen = weight.getFloat(0, 0);
        weightView.put(0, probe);
        if (seen != probe + 1f) {
            throw new IllegalStateException("DJL copied a direct buffer instead of sharing it; use --backend djl");
        }
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

    @Override
    public float[] table() {
        return e0.clone();
    }

    @Override
    public String kernelName() {
        return propagation.kernelName();
    }

    @Override
    public void close() {
        if (trainPropagation != propagation) {
            trainPropagation.close();
        }
    }
}
