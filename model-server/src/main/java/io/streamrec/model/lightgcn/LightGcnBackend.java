package io.streamrec.model.lightgcn;

import io.streamrec.model.graph.NormalizedAdjacency;

/**
 * How a {@link LightGcnTrainer} computes one optimisation step. Each backend owns E⁽⁰⁾ and the
 * buffers its step needs; both compute the same step ({@code BackendAgreementTest}).
 */
interface LightGcnBackend extends AutoCloseable {
    /** One step on the first {@code b} triples (item indices, not node ids); returns the batch loss. */
    float step(int[] users, int[] pos, int[] neg, int b);

    /** Steps from now on propagate over {@code graph} (an epoch's graph after edge dropout). */
    void useGraph(NormalizedAdjacency graph);

    /** Steps from now on fuse item rows with {@code f}; before the first step. */
    void useFusion(ItemFusion f);

    /** A copy of E⁽⁰⁾ (N×d, users first). */
    float[] table();

    /** The SpMM kernel that propagates: "vector", "scalar" or "djl-coo". */
    String kernelName();

    @Override
    void close();
}
