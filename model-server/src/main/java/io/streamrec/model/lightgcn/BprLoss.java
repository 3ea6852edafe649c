package io.streamrec.model.lightgcn;

import ai.djl.ndarray.NDArray;

/**
 * The BPR loss of RESEARCH.md §1 on one batch:
 * {@code −mean(log σ(e_u·e_i⁺ − e_u·e_i⁻)) + λ · (‖E⁽⁰⁾_u‖² + ‖E⁽⁰⁾_i⁺‖² + ‖E⁽⁰⁾_i⁻‖²) / B}.
 */
public final class BprLoss {
    private BprLoss() {}

    /** The BPR term alone; {@code −log σ(x)} is computed as {@code softplus(−x)} for stability. */
    public static NDArray ranking(NDArray users, NDArray pos, NDArray neg) {
        NDArray x = users.mul(pos).sum(new int[] {1}).sub(users.mul(neg).sum(new int[] {1}));
        return x.neg().getNDArrayInternal().softPlus().mean();
    }

    /** The L2 term on the batch's layer-0 rows, divided by the batch size. */
    public static NDArray regularization(NDArray users0, NDArray pos0, NDArray neg0, double lambda) {
        long batch = users0.getShape().get(0);
        NDArray sq = users0.square().sum().add(pos0.square().sum()).add(neg0.square().sum());
        return sq.mul((float) (lambda / batch));
    }

    public static NDArray total(NDArray users, NDArray pos, NDArray neg, NDArray users0, NDArray pos0, NDArray neg0, double lambda) {
        return ranking(users, pos, neg).add(regularization(users0, pos0, neg0, lambda));
    }
}
