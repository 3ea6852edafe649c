package io.streamrec.model.itemgraph;

import java.util.Arrays;

/**
 * A weighted, undirected item–item graph in CSR form (rows sorted by column, no self loops): what
 * MM-GEF and RedND propagate item embeddings over. Made from directed top-k lists by symmetrising
 * (an edge is kept when either end lists the other, with the larger of the two weights), then
 * usually {@link #symmetricNormalized()}: Â = D^{-1/2} A D^{-1/2} with D the weighted degree.
 */
public final class ItemGraph {
    private final int numItems;
    private final int[] rowPtr;
    private final int[] cols;
    private final float[] values;

    public ItemGraph(int numItems, int[] rowPtr, int[] cols, float[] values) {
        if (rowPtr.length != numItems + 1 || cols.length != values.length || rowPtr[numItems] != cols.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        this.numItems = numItems;
        this.rowPtr = rowPtr;
        this.cols = cols;
        this.values = values;
    }

    /** The union of the lists, each edge in both directions with max(w_ij, w_ji); non-positive weights are dropped. */
    public static ItemGraph symmetrised(Neighbours lists) {
        return symmetrised(lists, lists.numItems());
    }

    /** {@link #symmetrised(Neighbours)} over the first {@code n} items (lists may have room for more; all ids are below n). */
    public static ItemGraph symmetrised(Neighbours lists, int n) {
        int[] deg = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j : lists.ids(i)) {
                deg[i]++;
                deg[j]++;
            }
        }
        int[][] adj = new int[n][];
        float[][] w = new float[n][];
        int[] fill = new int[n];
        for (int i = 0; i < n; i++) {
            adj[i] = new int[deg[i]];
            w[i] = new float[deg[i]];
        }
        for (int i = 0; i < n; i++) {
            int[] ids = lists.ids(i);
            float[] ws = lists.weights(i);
            for (int p = 0; p < ids.length; p++) {
                if (!(ws[p] > 0) || ids[p] == i) {
                    continue;
                }
                int j = ids[p];
                adj[i][fill[i]] = j;
                w[i][fill[i]++] = ws[p];
                adj[j][fill[j]] = i;
                w[j][fill[j]++] = ws[p];
            }
        }
        int[] rowPtr = new int[n + 1];
        int[][] outIds = new int[n][];
        float[][] outW = new float[n][];
        for (int i = 0; i < n; i++) {
            // sort this row's (id, weight) pairs by id and merge duplicates with max
            int m = fill[i];
            long[] packed = new long[m];
            for (int p = 0; p < m; p++) {
                packed[p] = ((long) adj[i][p] << 32) | (Float.floatToIntBits(w[i][p]) & 0xFFFFFFFFL);
            }
            Arrays.sort(packed);
            int[] ids = new int[m];
            float[] ws = new float[m];
            int q = 0;
            for (int p = 0; p < m; p++) {
                int id = (int) (packed[p] >>> 32);
                float v = Float.intBitsToFloat((int) packed[p]);
                if (q > 0 && ids[q - 1] == id) {
                    ws[q - 1] = Math.max(ws[q - 1], v);
                } else {
                    ids[q] = id;
                    ws[q++] = v;
                }
            }
            outIds[i] = Arrays.copyOf(ids, q);
            outW[i] = Arrays.copyOf(ws, q);
            rowPtr[i + 1] = rowPtr[i] + q;
        }
        int[] cols = new int[rowPtr[n]];
        float[] values = new float[rowPtr[n]];
        for (int i = 0; i < n; i++) {
            System.arraycopy(outIds[i], 0, cols, rowPtr[i], outIds[i].length);
            System.arraycopy(outW[i], 0, values, rowPtr[i], outW[i].length);
        }
        return new ItemGraph(n, rowPtr, cols, values);
    }

    /** D^{-1/2} A D^{-1/2}, D_ii = Σ_j A_ij; an isolated item keeps an empty row. */
    public ItemGraph symmetricNormalized() {
        double[] deg = new double[numItems];
        for (int i = 0; i < numItems; i++) {
            for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
                deg[i] += values[p];
            }
        }
        float[] v = new float[values.length];
        for (int i = 0; i < numItems; i++) {
            for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
                v[p] = (float) (values[p] / Math.sqrt(deg[i] * deg[cols[p]]));
            }
        }
        return new ItemGraph(numItems, rowPtr, cols, v);
    }

    public int numItems() {
        return numItems;
    }

    public int nnz() {
        return cols.length;
    }

    public int[] rowPtr() {
        return rowPtr;
    }

    public int[] cols() {
        return cols;
    }

    public float[] values() {
        return values;
    }

    /** A_ij, 0 when there is no edge. */
    public float weight(int i, int j) {
        int p = Arrays.binarySearch(cols, rowPtr[i], rowPtr[i + 1], j);
        return p >= 0 ? values[p] : 0f;
    }

    public int degree(int i) {
        return rowPtr[i + 1] - rowPtr[i];
    }

    /** y = A x for x items × d, row-major (what a GCN hop computes). */
    public float[] multiply(float[] x, int d) {
        float[] y = new float[numItems * d];
        for (int i = 0; i < numItems; i++) {
            for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
                float a = values[p];
                int o = cols[p] * d;
                for (int c = 0; c < d; c++) {
                    y[i * d + c] += a * x[o + c];
                }
            }
        }
        return y;
    }
}
