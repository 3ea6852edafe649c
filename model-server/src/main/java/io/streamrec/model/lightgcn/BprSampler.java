package io.streamrec.model.lightgcn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Epochs of BPR triples (u, i⁺, i⁻): every training edge once per epoch in a seeded shuffled
 * order, i⁻ drawn uniformly from all items ({@link LightGcnConfig.Negatives#UNIFORM}, as the
 * study and docs/METHODS.md §1) or from the items u has not interacted with ({@code UNSEEN}).
 */
public final class BprSampler {
    private final int numItems;
    private final int[][] itemsByUser;
    private final int[] edgeUser;
    private final int[] edgeItem;
    private final int[] order;
    private final LightGcnConfig.Negatives negatives;
    private final SplittableRandom rng;
    private int cursor;

    public BprSampler(int numItems, int[][] itemsByUser, LightGcnConfig.Negatives negatives, long seed) {
        this.numItems = numItems;
        this.itemsByUser = itemsByUser;
        this.negatives = negatives;
        long edges = 0;
        for (int[] items : itemsByUser) {
            edges += items.length;
        }
        if (edges == 0) {
            throw new IllegalArgumentException("no training interactions");
        }
        int m = Math.toIntExact(edges);
        edgeUser = new int[m];
        edgeItem = new int[m];
        int e = 0;
        for (int u = 0; u < itemsByUser.length; u++) {
            for (int i : itemsByUser[u]) {
                edgeUser[e] = u;
                edgeItem[e] = i;
                e++;
            }
        }
        order = new int[m];
        for (int k = 0; k < m; k++) {
            order[k] = k;
        }
        rng = new SplittableRandom(seed);
        cursor = m;
    }

    public int edges() {
        return edgeUser.length;
    }

    /** Number of batches that make one pass over all edges. */
    public int batchesPerEpoch(int batchSize) {
        return (edgeUser.length + batchSize - 1) / batchSize;
    }

    /** Reshuffles: the next batches form a new epoch. */
    public void startEpoch() {
        for (int k = order.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        cursor = 0;
    }

    /** One BPR step on the first {@code n} triples of the batch arrays; returns the batch's loss. */
    @FunctionalInterface
    public interface Step {
        float step(int[] users, int[] pos, int[] neg, int n);
    }

    /**
     * One epoch: {@link #startEpoch}, then every batch through {@code step} (the arrays are the
     * batch buffers, reused), {@code listener} (null: none) told after each; returns the mean batch
     * loss.
     */
    public double epoch(
            int[] users, int[] pos, int[] neg, int batchSize, Step step, LightGcnTrainer.StepListener listener) {
        startEpoch();
        int total = batchesPerEpoch(batchSize);
        double sum = 0;
        int s = 0;
        int n;
        while ((n = next(users, pos, neg)) > 0) {
            sum += step.step(users, pos, neg, n);
            s++;
            if (listener != null) {
                listener.onStep(s, total, sum / s);
            }
        }
        return sum / Math.max(1, s);
    }

    /**
     * Fills the arrays with the next triples of this epoch.
     *
     * @return how many were filled (0 when the epoch is over)
     */
    public int next(int[] users, int[] pos, int[] neg) {
        int n = Math.min(users.length, order.length - cursor);
        for (int b = 0; b < n; b++) {
            int e = order[cursor++];
            int u = edgeUser[e];
            users[b] = u;
            pos[b] = edgeItem[e];
            neg[b] = negativeFor(u);
        }
        return n;
    }

    private int negativeFor(int u) {
        int j = rng.nextInt(numItems);
        if (negatives == LightGcnConfig.Negatives.UNSEEN) {
            int[] seen = itemsByUser[u];
            if (seen.length >= numItems) {
                return j;
            }
            while (Arrays.binarySearch(seen, j) >= 0) {
                j = rng.nextInt(numItems);
            }
        }
        return j;
    }
}
