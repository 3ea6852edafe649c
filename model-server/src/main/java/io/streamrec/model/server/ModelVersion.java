package io.streamrec.model.server;

import io.streamrec.serving.VectorMath;
import java.util.List;
import java.util.Map;

/**
 * One published model: the final (propagated) embeddings of every known user and item under
 * their external ids, the changelog position it has trained through, and what training did.
 *
 * @param userVectors users × dim, row k belongs to {@code userIds.get(k)}
 * @param itemVectors items × dim, row k belongs to {@code itemIds.get(k)}
 */
public record ModelVersion(
        long version,
        long throughSeq,
        int dim,
        List<String> userIds,
        float[] userVectors,
        List<String> itemIds,
        float[] itemVectors,
        Map<String, Object> metrics) {

    /** Row {@code k} of a users-or-items table. */
    public float[] row(float[] table, int k) {
        float[] r = new float[dim];
        System.arraycopy(table, k * dim, r, 0, dim);
        return r;
    }

    /** The mean of the user vectors: where serving places a user with no known items (published on the COMMIT). */
    public float[] meanUserVector() {
        return VectorMath.meanOfRows(userVectors, dim, 0, userIds.size());
    }
}
