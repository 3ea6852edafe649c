package io.streamrec.model.graphfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.streamrec.model.graph.ScalarTensors;

/**
 * RedND's node–neighbour alignment term, over one batch: rows a_n (a node's layer-0 embedding) and
 * b_n (the mean of its layers 1..K), both L2-normalised, InfoNCE with temperature τ and the other
 * nodes of the batch as negatives:
 *
 * <pre>  L = mean_n [ −â_n·b̂_n / τ + log Σ_m exp(â_n·b̂_m / τ) ]</pre>
 *
 * The reference implementation takes every node of the graph as a negative at each step (an N×N
 * product); over the batch's B distinct nodes the cost is B²·d whatever the size of the graph.
 */
public final class InfoNce {
    private InfoNce() {}

    /** The loss (a scalar, differentiable in a and b), for B×d rows. */
    public static NDArray inBatch(NDArray a, NDArray b, float temperature, ScalarTensors scalars) {
        NDArray an = unit(a);
        NDArray bn = unit(b);
        NDArray s = an.matMul(bn.transpose()).mul(scalars.of(1f / temperature));
        int n = (int) a.getShape().get(0);
        NDManager m = a.getManager();
        NDArray eye = m.eye(n);
        NDArray diag = s.logSoftmax(1).mul(eye).sum(new int[] {1});
        return diag.mean().neg();
    }

    /** Rows scaled to unit length (ε keeps a zero row finite). */
    static NDArray unit(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
    }
}
