package io.streamrec.model.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LightGCN propagation on the CPU with a multi-threaded CSR kernel:
 * {@code out = scale · Σ_{k=0..K} Â^k · in}.
 *
 * <p>Because Â is symmetric and the map linear, the same call is the backward pass: if
 * {@code G = ∂L/∂E} then {@code ∂L/∂E⁽⁰⁾ = scale · Σ_k Â^k G} (docs/METHODS.md §1). PyTorch's CPU
 * COO×dense kernel is single-threaded; this one splits rows into nnz-balanced blocks over a
 * fixed pool, and its inner loop over the embedding dimension is a plain array loop the JIT
 * vectorises. Work buffers are reused, so a training step allocates nothing here.
 */
public final class CsrPropagation implements AutoCloseable {
    private final NormalizedAdjacency adj;
    private final int dim;
    private final int layers;
    private final float scale;
    private final int threads;
    private final ExecutorService pool;
    /** Row boundaries of the per-task blocks, balanced by nnz + rows. */
    private final int[] blocks;

    private final float[] bufA;
    private final float[] bufB;
    private final SpmmKernel kernel;

    public CsrPropagation(NormalizedAdjacency adj, int dim, int layers, float scale, int threads) {
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0, got " + layers);
        }
        this.adj = adj;
        this.dim = dim;
        this.layers = layers;
        this.scale = scale;
        this.threads = Math.max(1, threads);
        AtomicInteger seq = new AtomicInteger();
        this.pool = this.threads == 1
                ? null
                : Executors.newFixedThreadPool(this.threads, r -> {
                    Thread t = new Thread(r, "csr-propagation-" + seq.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.blocks = balancedBlocks(adj.rowPtr(), this.threads * 8);
        this.kernel = SpmmKernel.best();
        int size = Math.multiplyExact(adj.numNodes(), dim);
        this.bufA = layers > 0 ? new float[size] : null;
        this.bufB = layers > 1 ? new float[size] : null;
    }

    /** Which SpMM kernel runs: "vector" (SIMD) or "scalar". */
    public String kernelName() {
        return kernel instanceof VectorSpmmKernel ? "vector" : "scalar";
    }

    public int layers() {
        return layers;
    }

    /** {@code out = scale · Σ_{k=0..K} Â^k in}; {@code in} and {@code out} are N×d row-major and must differ. */
    public void propagate(float[] in, float[] out) {
        int n = adj.numNodes();
        if (in.length != n * dim || out.length != n * dim) {
            throw new IllegalArgumentException("expected arrays of " + n + "x" + dim);
        }
        if (layers == 0) {
            run((from, to) -> {
                for (int x = from * dim, end = to * dim; x < end; x++) {
                    out[x] = scale * in[x];
                }
            });
            return;
        }
        float[] cur = in;
        for (int k = 1; k <= layers; k++) {
            float[] next = (k % 2 == 1) ? bufA : bufB;
            float[] src = cur;
            boolean first = k == 1;
            boolean last = k == layers;
            // next = Â·src, and accumulate into out: out = in + Σ next, scaled at the last layer.
            run((from, to) -> spmmRows(src, next, out, in, from, to, first, last));
            cur = next;
        }
    }

    private void spmmRows(
            float[] src, float[] next, float[] out, float[] in, int from, int to, boolean first, boolean last) {
        int[] rowPtr = adj.rowPtr();
        int[] cols = adj.cols();
        float[] vals = adj.values();
        int d = dim;
        float s = scale;
        kernel.rows(rowPtr, cols, vals, src, next, from, to, d);
        for (int r = from; r < to; r++) {
            int o = r * d;
            if (first && last) {
                for (int j = 0; j < d; j++) {
                    out[o + j] = s * (in[o + j] + next[o + j]);
                }
            } else if (first) {
                for (int j = 0; j < d; j++) {
                    out[o + j] = in[o + j] + next[o + j];
                }
            } else if (last) {
                for (int j = 0; j < d; j++) {
                    out[o + j] = s * (out[o + j] + next[o + j]);
                }
            } else {
                for (int j = 0; j < d; j++) {
                    out[o + j] += next[o + j];
                }
            }
        }
    }

    /** Runs a row-range task over all rows, on the pool when there is one. */
    public void run(RowTask task) {
        if (pool == null) {
            task.rows(0, adj.numNodes());
            return;
        }
        List<Future<?>> futures = new ArrayList<>(blocks.length - 1);
        for (int b = 0; b + 1 < blocks.length; b++) {
            int from = blocks[b];
            int to = blocks[b + 1];
            futures.add(pool.submit(() -> task.rows(from, to)));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("propagation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("propagation failed", e.getCause());
        }
    }

    /** Work over the row range [from, to). */
    @FunctionalInterface
    public interface RowTask {
        void rows(int from, int to);
    }

    private static int[] balancedBlocks(int[] rowPtr, int parts) {
        int n = rowPtr.length - 1;
        long total = (long) rowPtr[n] + n;
        List<Integer> bounds = new ArrayList<>();
        bounds.add(0);
        long target = Math.max(1, total / parts);
        long acc = 0;
        for (int r = 0; r < n; r++) {
            acc += rowPtr[r + 1] - rowPtr[r] + 1;
            if (acc >= target && r + 1 < n) {
                bounds.add(r + 1);
                acc = 0;
            }
        }
        bounds.add(n);
        return bounds.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
