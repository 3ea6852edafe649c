package io.streamrec.model.graph;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * LightGCN propagation restricted to what one batch needs: the K-hop neighbourhood of its nodes.
 *
 * <p>A batch's final embeddings {@code scale · Σ_{k≤K} (Â^k E⁽⁰⁾)[B]} depend only on E⁽⁰⁾ rows within K
 * hops of the batch B: layer k is needed on the nodes within K − k hops. So {@link #gather} numbers the
 * neighbourhood in breadth-first order (hop 0 first, so "within j hops" is a prefix of the local
 * numbering), {@link #forward} computes layer k only on that prefix, and {@link #backward} pushes the
 * batch gradient out hop by hop (Â is symmetric: ∂L/∂E⁽⁰⁾ = scale · Σ_k Â^k G, and Â^k G is non-zero
 * only within k hops). The result is exactly the full-graph step's on those rows (and zero elsewhere);
 * its cost is the volume (sum of degrees) of the nodes within K − 1 hops instead of K · nnz, and its
 * memory is per neighbourhood. On a small or dense graph the neighbourhood is the whole graph and
 * the full-graph kernel, multi-threaded and sequential in memory, is cheaper: {@link #gather} takes a
 * work limit and gives up as soon as it is passed, so the caller falls back at bounded cost.
 *
 * <p>Single-threaded, not thread-safe; buffers grow to the largest neighbourhood seen and are reused.
 */
public final class SubgraphPropagation {
    private final int[] rowPtr;
    private final int[] cols;
    private final float[] vals;
    private final int dim;
    private final int layers;
    private final float scale;
    /** Global node → local index, valid where {@code stampOf[node] == stamp}. */
    private final int[] localOf;

    private final int[] stampOf;
    private int stamp;
    /** Local → global node, in hop order. */
    private int[] nodes = new int[1024];
    /** {@code within[j]}: how many local nodes are within j hops (j = 0..K). */
    private final int[] within;

    private long work;
    /** Neighbours kept per node and hop (0: all of them: exact). */
    private final int fanout;

    private final SplittableRandom random;
    /** The neighbourhood's edges in local ids: node v's (kept) neighbours are edgeTarget[edgeStart[v]..edgeStart[v+1]). */
    private int[] edgeStart = new int[1025];

    private int[] edgeTarget = new int[4096];
    private float[] edgeWeight = new float[4096];
    /** Layers 1..K of the forward pass (on the nodes within K − k hops), and the backward's two hop buffers and accumulator. */
    private float[][] layer;

    private float[] gradCur = new float[0];
    private float[] gradNext = new float[0];
    private float[] gradAcc = new float[0];

    /** Exact: every neighbour. */
    public SubgraphPropagation(NormalizedAdjacency adj, int dim, int layers, float scale) {
        this(adj, dim, layers, scale, 0, 0);
    }

    /**
     * With {@code fanout} > 0, a node of higher degree propagates from {@code fanout} neighbours drawn
     * uniformly (with replacement; seeded), each weighted by degree / fanout: an unbiased estimate of
     * its layer, so a step's cost is bounded by the batch × fanout^K whatever the hubs' degrees. The
     * backward pass is the exact transpose of that sampled forward.
     */
    public SubgraphPropagation(NormalizedAdjacency adj, int dim, int layers, float scale, int fanout, long seed) {
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0, got " + layers);
        }
        if (fanout < 0) {
            throw new IllegalArgumentException("fanout must be >= 0 (0: all neighbours), got " + fanout);
        }
        this.fanout = fanout;
        this.random = new SplittableRandom(seed);
        this.rowPtr = adj.rowPtr();
        this.cols = adj.cols();
        this.vals = adj.values();
        this.dim = dim;
        this.layers = layers;
        this.scale = scale;
        this.localOf = new int[adj.numNodes()];
        this.stampOf = new int[adj.numNodes()];
        this.within = new int[layers + 1];
        this.layer = new float[layers][0];
    }

    /**
     * Numbers the K-hop neighbourhood of {@code seeds[0..n)} (distinct global nodes; seed k becomes
     * local k). Returns false, leaving nothing usable, as soon as the edge work of a step (forward and
     * backward, in non-zeros visited) would pass {@code maxWork}.
     */
    public boolean gather(int[] seeds, int n, long maxWork) {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(stampOf, 0);
            stamp = 1;
        }
        int count = 0;
        for (int k = 0; k < n; k++) {
            count = add(seeds[k], count);
        }
        within[0] = count;
        work = 0;
        int kept = 0; // edges kept for the nodes processed so far
        int from = 0;
        for (int hop = 1; hop <= layers; hop++) {
            int to = count;
            for (int v = from; v < to; v++) {
                int node = nodes[v];
                int a = rowPtr[node];
                int deg = rowPtr[node + 1] - a;
                int take = fanout > 0 && deg > fanout ? fanout : deg;
                // the forward pass pulls one layer over, and the backward pushes one over, the edges of the nodes
                // within hop − 1 hops
                if (work + 2L * (kept + take) > maxWork) {
                    return false;
                }
                if (edgeTarget.length < kept + take) {
                    int size = Math.max(kept + take, 2 * edgeTarget.length);
                    edgeTarget = Arrays.copyOf(edgeTarget, size);
                    edgeWeight = Arrays.copyOf(edgeWeight, size);
                }
                if (take == deg) {
                    for (int p = a, e = a + deg; p < e; p++) {
                        count = add(cols[p], count);
                        edgeTarget[kept] = localOf[cols[p]];
                        edgeWeight[kept++] = vals[p];
                    }
                } else {
                    float w = (float) deg / take;
                    for (int s = 0; s < take; s++) {
                        int p = a + random.nextInt(deg);
                        count = add(cols[p], count);
                        edgeTarget[kept] = localOf[cols[p]];
                        edgeWeight[kept++] = vals[p] * w;
                    }
                }
                if (edgeStart.length < v + 2) {
                    edgeStart = Arrays.copyOf(edgeStart, Math.max(v + 2, 2 * edgeStart.length));
                }
                edgeStart[v + 1] = kept;
            }
            work += 2L * kept;
            within[hop] = count;
            from = to;
        }
        return true;
    }

    private int add(int node, int count) {
        if (stampOf[node] != stamp) {
            stampOf[node] = stamp;
            localOf[node] = count;
            if (count == nodes.length) {
                nodes = Arrays.copyOf(nodes, count * 2);
            }
            nodes[count++] = node;
        }
        return count;
    }

    /** Non-zeros a step visits over the gathered neighbourhood (forward and backward). */
    public long work() {
        return work;
    }

    /** Local nodes within K hops: the rows {@link #backward} gives a gradient for. */
    public int size() {
        return within[layers];
    }

    /** The global node of local index {@code k}. */
    public int node(int k) {
        return nodes[k];
    }

    /** Local index of a gathered global node. */
    public int local(int node) {
        if (stampOf[node] != stamp) {
            throw new IllegalArgumentException("node " + node + " is not in the gathered neighbourhood");
        }
        return localOf[node];
    }

    /**
     * The final embeddings of the seeds: {@code out[k·d..]} = scale · Σ_k (Â^k E⁽⁰⁾)[seed k], with
     * {@code e0} the full N×d layer-0 table (read on the neighbourhood's rows only).
     */
    public void forward(float[] e0, float[] out) {
        int d = dim;
        int seeds = within[0];
        for (int v = 0; v < seeds; v++) {
            System.arraycopy(e0, nodes[v] * d, out, v * d, d);
        }
        float[] prev = e0; // layer k − 1; layer 0 is E⁽⁰⁾ itself, read through global ids
        for (int k = 1; k <= layers; k++) {
            int rows = within[layers - k];
            float[] cur = ensure(k - 1, rows * d);
            Arrays.fill(cur, 0, rows * d, 0f);
            boolean global = k == 1;
            for (int v = 0; v < rows; v++) {
                int o = v * d;
                for (int p = edgeStart[v], e = edgeStart[v + 1]; p < e; p++) {
                    int t = edgeTarget[p];
                    axpy(cur, o, edgeWeight[p], prev, (global ? nodes[t] : t) * d, d);
                }
            }
            for (int x = 0, end = seeds * d; x < end; x++) {
                out[x] += cur[x];
            }
            prev = cur;
        }
        for (int x = 0, end = seeds * d; x < end; x++) {
            out[x] *= scale;
        }
    }

    /** {@code y[yo..yo+d) += w · x[xo..xo+d)}: a loop the JIT vectorises. */
    private static void axpy(float[] y, int yo, float w, float[] x, int xo, int d) {
        for (int j = 0; j < d; j++) {
            y[yo + j] += w * x[xo + j];
        }
    }

    /**
     * ∂L/∂E⁽⁰⁾ on the neighbourhood from ∂L/∂E on the seeds ({@code seedGrad}, seeds × d): returns an
     * array whose first {@link #size()} × d values are the gradient of local rows 0..size (valid until
     * the next call).
     */
    public float[] backward(float[] seedGrad) {
        int d = dim;
        int total = within[layers];
        gradAcc = grow(gradAcc, total * d);
        gradCur = grow(gradCur, total * d);
        gradNext = grow(gradNext, total * d);
        Arrays.fill(gradAcc, 0, total * d, 0f);
        int seeds = within[0];
        System.arraycopy(seedGrad, 0, gradCur, 0, seeds * d);
        System.arraycopy(seedGrad, 0, gradAcc, 0, seeds * d);
        for (int k = 1; k <= layers; k++) {
            int src = within[k - 1];
            int dst = within[k];
            Arrays.fill(gradNext, 0, dst * d, 0f);
            for (int u = 0; u < src; u++) {
                int o = u * d;
                for (int p = edgeStart[u], e = edgeStart[u + 1]; p < e; p++) {
                    axpy(gradNext, edgeTarget[p] * d, edgeWeight[p], gradCur, o, d);
                }
            }
            for (int x = 0, end = dst * d; x < end; x++) {
                gradAcc[x] += gradNext[x];
            }
            float[] swap = gradCur;
            gradCur = gradNext;
            gradNext = swap;
        }
        for (int x = 0, end = total * d; x < end; x++) {
            gradAcc[x] *= scale;
        }
        return gradAcc;
    }

    private float[] ensure(int slot, int size) {
        if (layer[slot].length < size) {
            layer[slot] = new float[Math.max(size, layer[slot].length * 2)];
        }
        return layer[slot];
    }

    private static float[] grow(float[] a, int size) {
        return a.length >= size ? a : new float[Math.max(size, a.length * 2)];
    }
}
