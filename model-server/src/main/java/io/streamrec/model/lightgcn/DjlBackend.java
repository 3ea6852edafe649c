package io.streamrec.model.lightgcn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.streamrec.model.graph.CooAdjacency;
import io.streamrec.model.graph.NormalizedAdjacency;
import io.streamrec.model.graph.ScalarTensors;

/**
 * The reference step, and the one on a GPU: autograd through PyTorch's sparse COO matmul, Adam on
 * DJL. Owns E⁽⁰⁾ as a libtorch parameter and Â as a sparse COO tensor.
 */
final class DjlBackend implements LightGcnBackend {
    private static final String PARAM = "E0";

    private final LightGcnConfig config;
    private final int numUsers;
    private final NDManager manager;
    private final ScalarTensors scalars;
    private final Optimizer adam;
    private final StepTensors tensors;
    private final BatchNodes batch;
    private final NDArray weight;
    private NDArray cooAdjacency;
    private NDManager cooManager;
    private ItemFusion fusion;
    /** Early fusion's constant on the device. */
    private NDArray earlyContent;

    DjlBackend(
            LightGcnConfig config,
            int numUsers,
            int numNodes,
            NormalizedAdjacency adjacency,
            float[] table,
            NDManager manager,
            ScalarTensors scalars,
            Optimizer adam,
            StepTensors tensors,
            BatchNodes batch) {
        this.config = config;
        this.numUsers = numUsers;
        this.manager = manager;
        this.scalars = scalars;
        this.adam = adam;
        this.tensors = tensors;
        this.batch = batch;
        weight = manager.create(table, new Shape(numNodes, config.dim()));
        weight.setRequiresGradient(true);
        if (config.layers() > 0) {
            cooManager = manager.newSubManager();
            cooAdjacency = CooAdjacency.create(cooManager, adjacency);
        }
    }

    @Override
    public void useFusion(ItemFusion f) {
        this.fusion = f;
        if (f.earlyPad() != null) {
            earlyContent = manager.create(f.earlyPad(), weight.getShape());
        }
    }

    @Override
    public void useGraph(NormalizedAdjacency graph) {
        cooManager.close();
        cooManager = manager.newSubManager();
        cooAdjacency = CooAdjacency.create(cooManager, graph);
    }

    @Override
    public float step(int[] users, int[] pos, int[] neg, int b) {
        float lossValue;
        try (NDManager sub = manager.newSubManager()) {
            weight.tempAttach(sub);
            if (cooAdjacency != null) {
                cooAdjacency.tempAttach(sub);
            }
            if (fusion != null) { // so that what is computed from them is freed with the step
                fusion.attach(sub);
            }
            if (earlyContent != null) {
                earlyContent.tempAttach(sub);
            }
            NDArray u = tensors.ids(sub, 0, users, 0, b);
            NDArray p = tensors.ids(sub, 1, pos, numUsers, b);
            NDArray q = tensors.ids(sub, 2, neg, numUsers, b);
            int distinct = batch.collect(users, pos, neg, b);
            NDArray nodes = tensors.ids(sub, 3, batch.nodes(), 0, distinct);
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
        if (fusion != null) {
            fusion.update(adam);
        }
        return lossValue;
    }

    private NDArray fusedItemRows(NDArray all, NDArray itemNodes) {
        NDArray r = rows(all, itemNodes);
        return fusion == null ? r : fusion.fusedItemRows(r, itemNodes);
    }

    private static NDArray rows(NDArray table, NDArray index) {
        return table.get(new NDIndex("{}", index));
    }

    /** E = scale · Σ_k Â^k E⁽⁰⁾ on DJL (differentiable). */
    private NDArray propagate(NDArray table) {
        return CooAdjacency.layerMean(cooAdjacency, table, config.layers(), config.layerScale(), scalars);
    }

    @Override
    public float[] table() {
        return weight.toFloatArray();
    }

    @Override
    public String kernelName() {
        return "djl-coo";
    }

    @Override
    public void close() {} // its tensors belong to the trainer's manager
}
