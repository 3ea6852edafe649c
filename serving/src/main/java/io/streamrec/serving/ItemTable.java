package io.streamrec.serving;

import java.util.Arrays;
import java.util.Set;

/**
 * The item vectors of one model version: ids, their 64-bit keys ({@link ItemKeys}) and one
 * primitive {@code float[]} in panels of eight rows ({@link VectorMath}), with a primitive key → row
 * index and the mean item vector (where a user with no known items is placed). Read-only once built; an {@link AnnIndex} may be
 * attached for top-K on large catalogs.
 */
public final class ItemTable {
    private final long version;
    private final int dim;
    private final int size;
    private final String[] ids;
    private final long[] keys;
    private final float[] panels;
    private final float[] centroid;
    private final float[] coldUser;
    private final long triggerTime;
    private final boolean delta;
    private final KeyIndex index;
    private volatile AnnIndex ann;
    private volatile long liveAt;

    private ItemTable(Builder b) {
        this.version = b.version;
        this.dim = b.dim;
        this.size = b.size;
        this.ids = Arrays.copyOf(b.ids, size);
        this.keys = Arrays.copyOf(b.keys, size);
        this.panels = new float[((size + VectorMath.LANES - 1) / VectorMath.LANES) * VectorMath.LANES * dim];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < dim; c++) {
                panels[VectorMath.at(r, c, dim)] = b.data[r * dim + c];
            }
        }
        this.index = b.index;
        this.triggerTime = b.triggerTime;
        this.delta = b.delta;
        this.centroid = VectorMath.meanOfRows(b.data, dim, 0, size);
        this.coldUser = b.coldUser != null && b.coldUser.length == dim ? b.coldUser.clone() : centroid;
    }

    public static Builder builder(long version) {
        return new Builder(version);
    }

    public long version() {
        return version;
    }

    public int dim() {
        return dim;
    }

    /**
     * Whether users may hold vectors of earlier versions for it: a delta version (only the users that
     * moved have a record of it), or a table rebuilt from the compacted topic (each entity's latest).
     */
    public boolean delta() {
        return delta;
    }

    public int size() {
        return size;
    }

    public long triggerTime() {
        return triggerTime;
    }

    public String id(int row) {
        return ids[row];
    }

    public long key(int row) {
        return keys[row];
    }

    /** Row of an item key, or -1 when this version does not have the item. */
    public int row(long key) {
        return index.get(key);
    }

    public int row(String id) {
        return index.get(ItemKeys.of(id));
    }

    /** The backing panels (read only). */
    float[] panels() {
        return panels;
    }

    /** A copy of one row. */
    public float[] vector(int row) {
        float[] v = new float[dim];
        int o = VectorMath.at(row, 0, dim);
        for (int c = 0; c < dim; c++) {
            v[c] = panels[o + c * VectorMath.LANES];
        }
        return v;
    }

    /** Adds row {@code row} to {@code acc}. */
    public void addTo(int row, float[] acc) {
        int o = VectorMath.at(row, 0, dim);
        for (int c = 0; c < dim; c++) {
            acc[c] += panels[o + c * VectorMath.LANES];
        }
    }

    public float score(int row, float[] user) {
        return VectorMath.KERNEL.dot(panels, row, dim, user);
    }

    /**
     * Where a user with no known items is placed (a copy): the version's mean user vector when the
     * model published one (its COMMIT), else the mean item vector.
     */
    public float[] coldUser() {
        return coldUser.clone();
    }

    /** When the catalog made this table live (epoch ms; 0: not yet). */
    public long liveAt() {
        return liveAt;
    }

    void markLive(long epochMs) {
        this.liveAt = epochMs;
    }

    /** The approximate index, or null (then top-K is an exact scan). */
    public AnnIndex ann() {
        return ann;
    }

    public void attach(AnnIndex a) {
        this.ann = a;
    }

    /** Approximate heap bytes: vectors, keys, ids' references and the index (id strings not counted). */
    public long bytes() {
        return panels.length * 4L
                + keys.length * 8L
                + ids.length * 8L
                + index.bytes()
                + (ann == null ? 0 : ann.bytes());
    }

    /** A version's items as they arrive; a repeated id replaces its vector. Not thread-safe. */
    public static final class Builder {
        private final long version;
        private int dim = -1;
        private int size;
        private String[] ids = new String[16];
        private long[] keys = new long[16];
        private float[] data = new float[0];
        private final KeyIndex index = new KeyIndex(16);
        private long triggerTime;
        private float[] coldUser;
        private boolean delta;

        private Builder(long version) {
            this.version = version;
        }

        public long version() {
            return version;
        }

        public int size() {
            return size;
        }

        /**
         * Adds or replaces one item's vector.
         *
         * @throws IllegalArgumentException on a vector whose dimension differs from the version's others,
         *     a non-finite component, or an id whose key collides with another id's
         */
        public Builder put(String id, float[] vector) {
            if (dim < 0) {
                dim = vector.length;
                data = new float[16 * dim];
            }
            if (vector.length != dim) {
                throw new IllegalArgumentException("item " + id + " of version " + version + " has " + vector.length
                        + " dimensions, the version's others " + dim);
            }
            for (float x : vector) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(
                            "item " + id + " of version " + version + " has a non-finite component");
                }
            }
            long key = ItemKeys.of(id);
            int at = index.get(key);
            if (at >= 0 && !ids[at].equals(id)) {
                throw new IllegalArgumentException(
                        "item ids " + ids[at] + " and " + id + " have the same 64-bit key; " + id + " is left out");
            }
            if (at < 0) {
                if (size == ids.length) {
                    ids = Arrays.copyOf(ids, size * 2);
                    keys = Arrays.copyOf(keys, size * 2);
                    data = Arrays.copyOf(data, size * 2 * dim);
                }
                at = size++;
                ids[at] = id;
                keys[at] = key;
                index.put(key, at);
            }
            System.arraycopy(vector, 0, data, at * dim, dim);
            return this;
        }

        /**
         * Adds every item of {@code base} this builder does not have and {@code removed} does not name
         * (applying a delta version to its base).
         *
         * @throws IllegalArgumentException when the base's dimension differs from this version's
         */
        public Builder putMissing(ItemTable base, Set<String> removed) {
            if (dim >= 0 && base.size() > 0 && base.dim() != dim) {
                throw new IllegalArgumentException("version " + version + " has " + dim
                        + " dimensions, its base version " + base.version() + " " + base.dim());
            }
            for (int r = 0; r < base.size(); r++) {
                if (index.get(base.key(r)) < 0 && !removed.contains(base.id(r))) {
                    put(base.id(r), base.vector(r));
                }
            }
            return this;
        }

        /** The version's mean user vector (null or empty: none; then the centroid stands in). */
        public Builder coldUser(float[] v) {
            this.coldUser = v == null || v.length == 0 ? null : v.clone();
            return this;
        }

        public Builder triggerTime(long t) {
            this.triggerTime = t;
            return this;
        }

        /** Marks the table as {@link ItemTable#delta}. */
        public Builder delta(boolean d) {
            this.delta = d;
            return this;
        }

        public ItemTable build() {
            if (dim < 0) {
                dim = 0;
            }
            return new ItemTable(this);
        }
    }
}
