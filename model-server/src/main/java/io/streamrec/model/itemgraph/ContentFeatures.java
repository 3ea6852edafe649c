package io.streamrec.model.itemgraph;

import io.streamrec.model.multimodal.ModalityVectors;
import java.util.ArrayList;
import java.util.List;

/**
 * Item content as unit rows for the kNN graphs: one modality's vectors, or the early fusion of
 * several. Early fusion is the mean of the item's L2-normalised modality vectors; since the
 * modalities have their own dimensions, that mean is taken as the concatenation [m̂¹, …, m̂ⁿ] / n_i
 * (a linear projection of it is the mean of per-modality projections), renormalised to unit length
 * (× √n_i / ... ) for the graph: the cosine of two fused rows is then the mean of the per-modality
 * cosines when both items have every modality. A modality an item lacks contributes zeros; an item
 * with no modality has no row ({@link #present}).
 */
public final class ContentFeatures {
    private final int numItems;
    private final int dim;
    private final float[] rows;
    private final boolean[] present;
    private final int[] count;

    private ContentFeatures(int numItems, int dim, float[] rows, boolean[] present, int[] count) {
        this.numItems = numItems;
        this.dim = dim;
        this.rows = rows;
        this.present = present;
        this.count = count;
    }

    /** The concatenation of the L2-normalised modality vectors, scaled to unit length per item. */
    public static ContentFeatures fused(List<ModalityVectors> modalities) {
        if (modalities.isEmpty()) {
            throw new IllegalArgumentException("content features need at least one modality");
        }
        int n = modalities.get(0).numItems();
        int dim = 0;
        for (ModalityVectors m : modalities) {
            if (m.numItems() != n) {
                throw new IllegalArgumentException(
                        m + " covers " + m.numItems() + " items, " + modalities.get(0) + " covers " + n);
            }
            dim += m.dim();
        }
        float[] rows = new float[n * dim];
        boolean[] present = new boolean[n];
        int[] count = new int[n];
        int[] dims = modalities.stream().mapToInt(ModalityVectors::dim).toArray();
        List<float[]> vs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            vs.clear();
            for (ModalityVectors m : modalities) {
                float[] v = m.get(i);
                vs.add(v);
                count[i] += v != null ? 1 : 0;
            }
            float[] row = fusedRow(vs, dims);
            if (row != null) {
                present[i] = true;
                System.arraycopy(row, 0, rows, i * dim, dim);
            }
        }
        return new ContentFeatures(n, dim, rows, present, count);
    }

    /**
     * One item's fused unit row from its vectors in modality order (null where it lacks one; dims give
     * each modality's width), as {@link #fused} computes it; null when it has none.
     */
    public static float[] fusedRow(List<float[]> vectors, int[] dims) {
        int dim = 0;
        for (int d : dims) {
            dim += d;
        }
        float[] row = new float[dim];
        int off = 0;
        int n = 0;
        for (int j = 0; j < dims.length; j++) {
            float[] v = vectors.get(j);
            if (v != null) {
                n++;
                double norm = 0;
                for (float x : v) {
                    norm += (double) x * x;
                }
                float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
                for (int c = 0; c < v.length; c++) {
                    row[off + c] = v[c] * inv;
                }
            }
            off += dims[j];
        }
        if (n == 0) {
            return null;
        }
        float s = (float) (1 / Math.sqrt(n));
        for (int c = 0; c < dim; c++) {
            row[c] *= s;
        }
        return row;
    }

    /** One modality's vectors, L2-normalised. */
    public static ContentFeatures single(ModalityVectors m) {
        return fused(List.of(m));
    }

    public int numItems() {
        return numItems;
    }

    public int dim() {
        return dim;
    }

    /** Unit rows, numItems × dim (zero rows where {@link #present} is false). */
    public float[] rows() {
        return rows;
    }

    public boolean[] present() {
        return present;
    }

    /** How many modalities item i has. */
    public int modalities(int i) {
        return count[i];
    }

    /** Row i as a new array. */
    public float[] row(int i) {
        float[] r = new float[dim];
        System.arraycopy(rows, i * dim, r, 0, dim);
        return r;
    }

    /** The content kNN graph of these rows. */
    public ContentKnn knn(ContentKnn.Settings s) {
        return ContentKnn.build(rows, present, numItems, dim, s);
    }
}
