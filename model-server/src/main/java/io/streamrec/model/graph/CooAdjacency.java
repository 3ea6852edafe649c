package io.streamrec.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Â as a PyTorch sparse COO tensor, for DJL's autograd path (and the GPU).
 *
 * <p>Not built with {@code NDManager.createCoo}: that wraps the index and value buffers zero-copy
 * and frees them at once, so after a GC the JVM dies in {@code s_addmm_out_sparse_dense_worker}
 * (STACK.md). Here indices and values are first copied into tensors libtorch owns
 * ({@code duplicate()}), and those are kept attached to the manager for the lifetime of the
 * sparse tensor.
 */
public final class CooAdjacency {
    private CooAdjacency() {}

    /**
     * Returns Â (N×N, float32, COO) on the manager's device. The tensor and the index and value
     * tensors it shares are all attached to {@code manager}: close that manager to free them.
     */
    public static NDArray create(NDManager manager, NormalizedAdjacency adj) {
        return create(manager, adj.numNodes(), adj.rowPtr(), adj.cols(), adj.values());
    }

    /** Any n×n CSR matrix (e.g. an item–item graph) as a sparse COO tensor, owned as {@link #create(NDManager, NormalizedAdjacency)}'s. */
    public static NDArray create(NDManager manager, int numNodes, int[] rowPtr, int[] c, float[] vals) {
        int nnz = c.length;
        long[] rows = new long[nnz];
        long[] cols = new long[nnz];
        for (int r = 0; r < numNodes; r++) {
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
                rows[p] = r;
                cols[p] = c[p];
            }
        }
        long[] flat = new long[2 * nnz];
        System.arraycopy(rows, 0, flat, 0, nnz);
        System.arraycopy(cols, 0, flat, nnz, nnz);
        NDArray indices;
        NDArray values;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray wrappedIdx = scratch.create(flat, new Shape(2, nnz));
            NDArray wrappedVal = scratch.create(vals);
            // Tensors that own their memory, outliving the scratch buffers.
            indices = wrappedIdx.duplicate();
            values = wrappedVal.duplicate();
            indices.attach(manager);
            values.attach(manager);
        }
        long n = numNodes;
        NDArray coo = JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) values, new Shape(n, n));
        coo.attach(manager);
        return coo;
    }

    /**
     * LightGCN's readout on DJL, differentiable: {@code scale · Σ_{k=0..layers} Â^k e0} with Â the
     * COO {@code adjacency} (unused when {@code layers} is 0); the scale is skipped when it is 1.
     */
    public static NDArray layerMean(NDArray adjacency, NDArray e0, int layers, float scale, ScalarTensors scalars) {
        NDArray acc = e0;
        NDArray cur = e0;
        for (int k = 0; k < layers; k++) {
            cur = adjacency.matMul(cur);
            acc = acc.add(cur);
        }
        return scale == 1f ? acc : acc.mul(scalars.of(scale));
    }
}
