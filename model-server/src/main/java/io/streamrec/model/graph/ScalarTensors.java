package io.streamrec.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * Scalar tensors that live as long as their owner, for multiplying inside a DJL autograd graph.
 *
 * <p>Never {@code x.mul(0.5f)} (or {@code div}) on a tensor that takes part in a backward pass:
 * DJL's {@code mul(Number)} wraps the number in a direct buffer zero-copy, runs the product, and
 * closes the scalar at once, dropping its only Java reference to the buffer. PyTorch's autograd
 * keeps the scalar for the backward pass ({@code d(x·c)/dx = c}), so after a GC it reads freed
 * memory: NativeStressTest measured the DJL backend ending 0.17 apart (mean |Δ|) from the same
 * seeded training without GC pressure, and a NaN in a result under load came from this. The
 * tensors here are libtorch-owned copies, attached to the owner's manager, one per value.
 * ({@code add} and {@code sub} of a number are safe: their backward does not read it.)
 */
public final class ScalarTensors {
    private final NDManager manager;
    private final Map<Float, NDArray> cache = new HashMap<>();

    /** Scalars owned by {@code manager}: closing it frees them. */
    public ScalarTensors(NDManager manager) {
        this.manager = manager;
    }

    /** The 0-d float32 tensor holding {@code value}, made once. */
    public NDArray of(float value) {
        return cache.computeIfAbsent(value, v -> {
            try (NDManager scratch = manager.newSubManager()) {
                NDArray owned = scratch.create(new float[] {v}, new Shape()).duplicate();
                owned.attach(manager);
                return owned;
            }
        });
    }
}
