package io.streamrec.model.lightgcn;

import ai.djl.ndarray.NDArray;
import io.streamrec.model.graph.ScalarTensors;

/**
 * The BPR loss of docs/METHODS.md §1 on one batch of B triples:
 * {@code −mean(log σ(e_u·e_i⁺ − e_u·e_i⁻)) + λ · ‖E⁽⁰⁾[batch nodes]‖² / B}, where the batch nodes
 * are the distinct users and items of the batch (as PyG's {@code LightGCN.recommendation_loss}
 * with {@code node_id = edge_label_index.unique()}, which the study used).
 */
public final class BprLoss {
    private BprLoss() {}

    /** The BPR term alone; {@code −log σ(x)} is computed as {@code softplus(−x)} for stability. */
    public static NDArray ranking(NDArray users, NDArray pos, NDArray neg) {
        NDArray x = users.mul(pos).sum(new int[] {1}).sub(users.mul(neg).sum(new int[] {1}));
        return x.neg().getNDArrayInternal().softPlus().mean();
    }

    /**
     * The L2 term on the layer-0 rows of the batch's distinct nodes, divided by the batch size B.
     * The coefficient λ / B comes as a tensor that outlives the backward pass ({@link ScalarTensors}).
     */
    public static NDArray regularization(NDArray nodeRows0, double lambda, int batchSize, ScalarTensors scalars) {
        return nodeRows0.square().sum().mul(scalars.of((float) (lambda / batchSize)));
    }

    public static NDArray total(
            NDArray users, NDArray pos, NDArray neg, NDArray nodeRows0, double lambda, ScalarTensors scalars) {
        return ranking(users, pos, neg)
                .add(regularization(nodeRows0, lambda, (int) users.getShape().get(0), scalars));
    }
}
