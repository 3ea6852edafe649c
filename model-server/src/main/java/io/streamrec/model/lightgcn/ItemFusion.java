package io.streamrec.model.lightgcn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import io.streamrec.model.multimodal.LateFusion;
import java.util.Arrays;

/**
 * A trainer's late (or early) fusion of item embeddings with modality vectors (docs/METHODS.md §2):
 * the fusion itself, and for early fusion the constant added to E⁽⁰⁾'s item rows before
 * propagation. Both backends apply it in every step and in the final embeddings.
 */
final class ItemFusion {
    private final LateFusion fusion;
    private final int numUsers;
    /** Early fusion: the constant added to E⁽⁰⁾ before propagation (N×d, zero user rows); null otherwise. */
    private final float[] earlyPad;

    ItemFusion(LateFusion f, int numUsers, int numItems, int dim, int[][] itemsByUser, NDManager manager) {
        if (f == null || f.numItems() != numItems) {
            throw new IllegalArgumentException("fusion must cover the graph's " + numItems + " items");
        }
        this.fusion = f;
        this.numUsers = numUsers;
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
            earlyPad = new float[(numUsers + numItems) * dim];
            System.arraycopy(content, 0, earlyPad, numUsers * dim, content.length);
        } else {
            earlyPad = null;
        }
    }

    /** Early fusion's constant (N×d), or null for late fusion. */
    float[] earlyPad() {
        return earlyPad;
    }

    /** Ties what the fusion computes in a step to that step's manager. */
    void attach(NDManager sub) {
        fusion.tempAttach(sub);
    }

    /** Item rows (propagated) as scoring sees them; {@code items} are item indices (not node ids). */
    NDArray fuse(NDArray itemRows, NDArray items) {
        return fusion.fuse(itemRows, items);
    }

    /** Item rows of the node ids {@code itemNodes} of the propagated table {@code all}, fused. */
    NDArray fusedItemRows(NDArray itemRows, NDArray itemNodes) {
        return fusion.fuse(itemRows, itemNodes.sub(numUsers));
    }

    /** E⁽⁰⁾ as propagation sees it: {@code table}, plus early fusion's content on item rows (into {@code into}). */
    static float[] layer0(ItemFusion f, float[] table, float[] into) {
        if (f == null || f.earlyPad == null) {
            return table;
        }
        for (int k = 0; k < into.length; k++) {
            into[k] = table[k] + f.earlyPad[k];
        }
        return into;
    }

    /** Fuses the item rows of final embeddings {@code out} in place. */
    void fuseItems(float[] out) {
        fusion.fuseItems(out, numUsers);
    }

    /** One Adam step on each parameter the fusion learns (their gradients are from this step's backward). */
    void update(Optimizer adam) {
        for (var p : fusion.parameters().entrySet()) {
            try (NDArray g = p.getValue().getGradient()) {
                adam.update(p.getKey(), p.getValue(), g);
            }
        }
    }

    void close() {
        fusion.detach();
    }
}
