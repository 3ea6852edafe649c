package io.streamrec.model.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.data.InteractionData;
import io.streamrec.serving.TopKHeap;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Full-ranking offline evaluation (docs/METHODS.md §5): every item is scored for every user with
 * test items, train + validation items are excluded, and P/R/NDCG@K are averaged over those
 * users. Users are scored in batches (one b×I score block at a time, on the model's device),
 * so memory stays bounded whatever the number of users.
 */
public final class RankingEvaluator {
    /** Users per score block: 1024 × 41k items × 4 bytes ≈ 168 MB on Gowalla. */
    public static final int DEFAULT_USER_BATCH = 1024;

    private RankingEvaluator() {}

    /**
     * @param embeddings N×d final embeddings, users first then items (what scoring uses)
     */
    public static RankingMetrics evaluate(float[] embeddings, int dim, InteractionData data, int[] ks, Device device) {
        return evaluate(embeddings, dim, data, ks, device, DEFAULT_USER_BATCH);
    }

    public static RankingMetrics evaluate(
            float[] embeddings, int dim, InteractionData data, int[] ks, Device device, int userBatch) {
        int numUsers = data.numUsers();
        int numItems = data.numItems();
        if (embeddings.length != (long) (numUsers + numItems) * dim) {
            throw new IllegalArgumentException("embeddings hold " + embeddings.length / Math.max(1, dim)
                    + " rows of dim " + dim + ", the dataset needs " + numUsers + " users + " + numItems + " items");
        }
        List<Integer> evaluated = new ArrayList<>();
        for (int u = 0; u < numUsers; u++) {
            if (data.test()[u].length > 0) {
                evaluated.add(u);
            }
        }
        RankingMetrics total = new RankingMetrics(ks);
        int maxK = total.maxK();
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            float[] itemRows = new float[numItems * dim];
            System.arraycopy(embeddings, numUsers * dim, itemRows, 0, itemRows.length);
            NDArray itemsT = manager.create(itemRows, new Shape(numItems, dim)).transpose();
            for (int start = 0; start < evaluated.size(); start += userBatch) {
                int b = Math.min(userBatch, evaluated.size() - start);
                int[] users = new int[b];
                float[] userRows = new float[b * dim];
                for (int k = 0; k < b; k++) {
                    users[k] = evaluated.get(start + k);
                    System.arraycopy(embeddings, users[k] * dim, userRows, k * dim, dim);
                }
                float[] scores;
                try (NDManager step = manager.newSubManager()) {
                    scores = step.create(userRows, new Shape(b, dim))
                            .matMul(itemsT)
                            .toFloatArray();
                }
                RankingMetrics part = IntStream.range(0, b)
                        .parallel()
                        .collect(
                                () -> new RankingMetrics(ks),
                                (acc, k) -> {
                                    int[] top = new int[maxK];
                                    int n = TopKHeap.select(
                                            scores, k * numItems, numItems, data.seen(users[k]), maxK, top);
                                    acc.addUser(top, n, data.test()[users[k]]);
                                },
                                RankingMetrics::merge);
                total.merge(part);
            }
        }
        return total;
    }
}
