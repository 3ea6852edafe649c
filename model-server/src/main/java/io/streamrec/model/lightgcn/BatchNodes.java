package io.streamrec.model.lightgcn;

import java.util.Arrays;

/** The distinct nodes of a batch (users, then U + item), each once: the rows its step regularises and updates. */
final class BatchNodes {
    private final int numUsers;
    private final int[] nodes;
    private final int[] stamps;
    private int stamp;

    BatchNodes(int numUsers, int numNodes, int batchSize) {
        this.numUsers = numUsers;
        this.nodes = new int[3 * batchSize];
        this.stamps = new int[numNodes];
    }

    /** Collects the distinct nodes of the first {@code b} triples into {@link #nodes}; returns how many. */
    int collect(int[] users, int[] pos, int[] neg, int b) {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
        int n = 0;
        for (int k = 0; k < b; k++) {
            n = mark(users[k], n);
            n = mark(numUsers + pos[k], n);
            n = mark(numUsers + neg[k], n);
        }
        return n;
    }

    /** The last batch's distinct nodes, in the first {@link #collect} slots. */
    int[] nodes() {
        return nodes;
    }

    private int mark(int node, int n) {
        if (stamps[node] != stamp) {
            stamps[node] = stamp;
            nodes[n++] = node;
        }
        return n;
    }
}
