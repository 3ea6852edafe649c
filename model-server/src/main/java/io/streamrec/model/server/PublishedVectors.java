package io.streamrec.model.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the embeddings topic holds, as far as this model server published it: the last published
 * vector of every user and item (by dense id), and which items are live. From it, {@link #plan}
 * decides what a version publishes: everything (a full version), or only the entities whose final
 * embedding moved by more than {@code tolerance} (relative L2) since the value last published, the
 * new ones, and the items withdrawn since (a delta on the last published version). {@link #applied}
 * records a plan once its transaction committed, so an aborted version changes nothing. Empty after
 * a start: the first version a model server publishes is always full.
 */
public final class PublishedVectors {
    /** What one version publishes: rows of the version's user and item tables, and the withdrawals. */
    public record Plan(
            long number, long baseVersion, int[] userRows, int[] itemRows, List<String> removed, int users, int items) {
        public boolean full() {
            return baseVersion == 0;
        }
    }

    private final int dim;
    private float[] users = new float[0];
    private int userCount;
    private float[] items = new float[0];
    private boolean[] itemLive = new boolean[0];
    private int itemCount;
    private long lastNumber;
    private long lastFull;

    /** The width of the published vectors. */
    public int dim() {
        return dim;
    }

    public PublishedVectors(int dim) {
        this.dim = dim;
    }

    /**
     * @param full publish everything (also forced when nothing was published yet, or {@code fullEvery}
     *     versions have passed since the last full one; {@code fullEvery} 1 makes every version full)
     * @param withdrawn item ids no version may publish
     */
    public Plan plan(
            ModelVersion v, long number, Set<String> withdrawn, boolean full, int fullEvery, double tolerance) {
        if (v.dim() != dim) {
            throw new IllegalArgumentException(
                    "version " + v.version() + " has dimension " + v.dim() + ", published ones " + dim);
        }
        boolean whole = full || lastNumber == 0 || number - lastFull >= fullEvery;
        int nu = v.userIds().size();
        int ni = v.itemIds().size();
        int[] userRows = changed(v.userVectors(), nu, users, userCount, null, whole, tolerance);
        boolean[] liveNow = new boolean[ni];
        List<String> removed = new ArrayList<>();
        for (int k = 0; k < ni; k++) {
            liveNow[k] = !withdrawn.contains(v.itemIds().get(k));
            if (!liveNow[k] && k < itemCount && itemLive[k]) {
                removed.add(v.itemIds().get(k));
            }
        }
        int[] itemRows = changed(v.itemVectors(), ni, items, itemCount, liveNow, whole, tolerance);
        int live = 0;
        for (boolean b : liveNow) {
            live += b ? 1 : 0;
        }
        return new Plan(number, whole ? 0 : lastNumber, userRows, itemRows, whole ? List.of() : removed, nu, live);
    }

    /**
     * Rows of {@code now} to publish: all of them (live ones) when {@code whole}; else the new rows, the
     * rows that came back to life, and those that moved by more than {@code tolerance} of their
     * published norm.
     */
    private int[] changed(
            float[] now,
            int n,
            float[] published,
            int publishedCount,
            boolean[] live,
            boolean whole,
            double tolerance) {
        int[] rows = new int[n];
        int m = 0;
        double tol2 = tolerance * tolerance;
        for (int k = 0; k < n; k++) {
            if (live != null && !live[k]) {
                continue;
            }
            boolean publish = whole || k >= publishedCount || live != null && !itemLive[k];
            if (!publish) {
                int o = k * dim;
                double diff = 0;
                double norm = 0;
                for (int j = 0; j < dim; j++) {
                    double p = published[o + j];
                    double d = now[o + j] - p;
                    diff += d * d;
                    norm += p * p;
                }
                publish = diff > tol2 * norm;
            }
            if (publish) {
                rows[m++] = k;
            }
        }
        return Arrays.copyOf(rows, m);
    }

    /** Records {@code p} (of version {@code v}) as published: its transaction committed. */
    public void applied(Plan p, ModelVersion v) {
        int nu = v.userIds().size();
        int ni = v.itemIds().size();
        if (users.length < nu * dim) {
            users = Arrays.copyOf(users, Math.max(nu, userCount * 2) * dim);
        }
        if (items.length < ni * dim) {
            items = Arrays.copyOf(items, Math.max(ni, itemCount * 2) * dim);
            itemLive = Arrays.copyOf(itemLive, items.length / Math.max(1, dim));
        }
        for (int k : p.userRows()) {
            System.arraycopy(v.userVectors(), k * dim, users, k * dim, dim);
        }
        if (p.full()) {
            Arrays.fill(itemLive, false);
        }
        for (int k : p.itemRows()) {
            System.arraycopy(v.itemVectors(), k * dim, items, k * dim, dim);
            itemLive[k] = true;
        }
        Set<String> gone = new HashSet<>(p.removed());
        for (int k = 0; k < ni && !gone.isEmpty(); k++) {
            if (gone.contains(v.itemIds().get(k))) {
                itemLive[k] = false;
            }
        }
        userCount = nu;
        itemCount = ni;
        lastNumber = p.number();
        if (p.full()) {
            lastFull = p.number();
        }
    }
}
