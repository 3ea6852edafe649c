package io.streamrec.model.multimodal;

import io.streamrec.model.data.DatasetFormatException;
import io.streamrec.model.data.NpyMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One modality's item vectors (text, image, audio, video, or any named modality), L2-normalised
 * as late fusion wants them (docs/METHODS.md §2, step 1).
 *
 * <p>Rules: a vector must have the modality's dimension and only finite values, else it is
 * refused with a message naming the item and the modality. An item may lack a vector (an
 * all-zero row in a .npy matrix, or never set): it then contributes nothing for this modality,
 * and fusion averages over the modalities the item has. A modality absent altogether is simply
 * not loaded.
 */
public final class ModalityVectors {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private final String name;
    private final int dim;
    private final float[][] vectors;
    private int present;

    public ModalityVectors(String name, int dim, int numItems) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "modality name '" + name + "' must be 1-32 of a-z, 0-9, '_', '-' (starting with a letter)");
        }
        if (dim < 1 || numItems < 0) {
            throw new IllegalArgumentException("modality " + name + ": dimension must be positive, got " + dim);
        }
        this.name = name;
        this.dim = dim;
        this.vectors = new float[numItems][];
    }

    /**
     * Loads a {@code numItems × dim} .npy matrix whose row r belongs to item r.
     *
     * @throws DatasetFormatException naming the file, item and modality when a row is not finite
     *     or the row count is not the number of items
     */
    public static ModalityVectors fromNpy(String name, Path file, int numItems) throws IOException {
        NpyMatrix m = NpyMatrix.read(file);
        if (m.rows() != numItems) {
            throw new DatasetFormatException(
                    file,
                    0,
                    "modality " + name + " has " + m.rows() + " rows, the dataset has " + numItems
                            + " items (row r must be item r)");
        }
        ModalityVectors v = new ModalityVectors(name, m.cols(), numItems);
        for (int r = 0; r < numItems; r++) {
            float[] row = m.row(r);
            String problem = v.problem(row);
            if (problem != null) {
                throw new DatasetFormatException(file, 0, "item " + r + ", modality " + name + ": " + problem);
            }
            if (!isZero(row)) {
                v.put(r, row);
            }
        }
        return v;
    }

    /** Sets item's vector (normalised here); null removes it. */
    public void set(int item, float[] vector) {
        if (item < 0 || item >= vectors.length) {
            throw new IndexOutOfBoundsException(
                    "item " + item + " outside 0.." + (vectors.length - 1) + " (modality " + name + ")");
        }
        if (vector == null) {
            if (vectors[item] != null) {
                present--;
            }
            vectors[item] = null;
            return;
        }
        String problem = problem(vector);
        if (problem != null) {
            throw new IllegalArgumentException("item " + item + ", modality " + name + ": " + problem);
        }
        if (isZero(vector)) {
            throw new IllegalArgumentException(
                    "item " + item + ", modality " + name + ": an all-zero vector has no direction");
        }
        put(item, vector);
    }

    private void put(int item, float[] vector) {
        double norm = 0;
        for (float x : vector) {
            norm += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = vector[d] * inv;
        }
        if (vectors[item] == null) {
            present++;
        }
        vectors[item] = v;
    }

    private String problem(float[] v) {
        if (v.length != dim) {
            return "dimension " + v.length + ", expected " + dim;
        }
        for (int d = 0; d < dim; d++) {
            if (!Float.isFinite(v[d])) {
                return "value " + v[d] + " at position " + d + " is not finite";
            }
        }
        return null;
    }

    private static boolean isZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }

    public String name() {
        return name;
    }

    public int dim() {
        return dim;
    }

    public int numItems() {
        return vectors.length;
    }

    /** Items that have a vector. */
    public int present() {
        return present;
    }

    /** The item's unit vector, or null when it has none (do not modify). */
    public float[] get(int item) {
        return vectors[item];
    }

    @Override
    public String toString() {
        return "modality " + name + " (" + dim + " dims, " + present + " of " + vectors.length + " items)";
    }
}
