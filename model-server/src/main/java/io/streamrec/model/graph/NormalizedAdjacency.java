package io.streamrec.model.graph;

/**
 * The symmetric normalised adjacency Â of the user-item bipartite graph over N = U + I nodes
 * (users first, then items), in CSR form: Â[u, U+i] = Â[U+i, u] = 1 / (sqrt(|N_u|) · sqrt(|N_i|)).
 *
 * <p>Each undirected edge appears twice (once per direction), as LightGCN needs. Nodes with no
 * edges have empty rows. Because Â is symmetric, the same matrix serves forward propagation
 * and the backward pass of the gradient.
 */
public final class NormalizedAdjacency {
    private final int numUsers;
    private final int numItems;
    private final int[] rowPtr;
    private final int[] cols;
    private final float[] values;

    private NormalizedAdjacency(int numUsers, int numItems, int[] rowPtr, int[] cols, float[] values) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.rowPtr = rowPtr;
        this.cols = cols;
        this.values = values;
    }

    /**
     * Builds Â from per-user sorted, unique item lists.
     *
     * @param itemsByUser {@code itemsByUser[u]} are the training items of user u (sorted, unique)
     */
    public static NormalizedAdjacency fromUserItems(int numUsers, int numItems, int[][] itemsByUser) {
        int n = numUsers + numItems;
        int[] degree = new int[n];
        long edges = 0;
        for (int u = 0; u < numUsers; u++) {
            int[] items = itemsByUser[u];
            degree[u] = items.length;
            for (int i : items) {
                if (i < 0 || i >= numItems) {
                    throw new IllegalArgumentException(
                            "item " + i + " of user " + u + " outside [0, " + numItems + ")");
                }
                degree[numUsers + i]++;
            }
            edges += items.length;
        }
        if (2 * edges > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("graph too large for one CSR block: " + edges + " edges");
        }
        int[] rowPtr = new int[n + 1];
        for (int v = 0; v < n; v++) {
            rowPtr[v + 1] = rowPtr[v] + degree[v];
        }
        int nnz = rowPtr[n];
        int[] cols = new int[nnz];
        float[] values = new float[nnz];
        int[] fill = new int[n];
        double[] invSqrt = new double[n];
        for (int v = 0; v < n; v++) {
            invSqrt[v] = degree[v] == 0 ? 0.0 : 1.0 / Math.sqrt(degree[v]);
        }
        // Users in increasing order, so every item row ends up sorted by column too.
        for (int u = 0; u < numUsers; u++) {
            for (int i : itemsByUser[u]) {
                int item = numUsers + i;
                float w = (float) (invSqrt[u] * invSqrt[item]);
                int pu = rowPtr[u] + fill[u]++;
                cols[pu] = item;
                values[pu] = w;
                int pi = rowPtr[item] + fill[item]++;
                cols[pi] = u;
                values[pi] = w;
            }
        }
        return new NormalizedAdjacency(numUsers, numItems, rowPtr, cols, values);
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    public int numNodes() {
        return numUsers + numItems;
    }

    /** Stored entries: twice the number of undirected edges. */
    public int nnz() {
        return rowPtr[rowPtr.length - 1];
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
}
