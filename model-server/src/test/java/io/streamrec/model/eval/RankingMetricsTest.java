package io.streamrec.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.streamrec.model.data.InteractionData;
import io.streamrec.serving.TopKHeap;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for docs/METHODS.md §5. */
class RankingMetricsTest {
    private static final double EPS = 1e-12;

    private static double lg(int rank) {
        return 1.0 / (Math.log(rank + 1) / Math.log(2));
    }

    @Test
    void fewerTestItemsThanK() {
        RankingMetrics m = new RankingMetrics(new int[] {1, 3, 5});
        // ranking 7, 3, 9, 1, 4; test items {3, 4}: hits at ranks 2 and 5
        m.addUser(new int[] {7, 3, 9, 1, 4}, 5, new int[] {3, 4});
        assertEquals(0.0, m.precision(1), EPS);
        assertEquals(0.0, m.ndcg(1), EPS);
        assertEquals(1.0 / 3, m.precision(3), EPS);
        assertEquals(0.5, m.recall(3), EPS);
        assertEquals(lg(2) / (lg(1) + lg(2)), m.ndcg(3), EPS);
        assertEquals(2.0 / 5, m.precision(5), EPS);
        assertEquals(1.0, m.recall(5), EPS);
        assertEquals((lg(2) + lg(5)) / (lg(1) + lg(2)), m.ndcg(5), EPS);
    }

    @Test
    void usersWithoutTestItemsAreNotCounted() {
        RankingMetrics m = new RankingMetrics(new int[] {2});
        m.addUser(new int[] {0, 1}, 2, new int[] {0});
        m.addUser(new int[] {0, 1}, 2, new int[0]);
        m.addUser(new int[] {5, 6}, 2, new int[] {9});
        assertEquals(2, m.users());
        assertEquals((0.5 + 0) / 2, m.precision(2), EPS);
        assertEquals((1.0 + 0) / 2, m.recall(2), EPS);
        assertEquals((1.0 + 0) / 2, m.ndcg(2), EPS);
    }

    @Test
    void moreTestItemsThanKUsesIdealOfK() {
        RankingMetrics m = new RankingMetrics(new int[] {2});
        m.addUser(new int[] {4, 1}, 2, new int[] {1, 2, 3, 4});
        assertEquals(1.0, m.precision(2), EPS);
        assertEquals(0.5, m.recall(2), EPS);
        assertEquals(1.0, m.ndcg(2), EPS);
    }

    @Test
    void topKBreaksTiesByLowerIdAndSkipsExcluded() {
        float[] scores = {0.5f, 0.9f, 0.5f, 0.9f, 0.1f, 0.5f};
        int[] out = new int[4];
        int n = TopKHeap.select(scores, 0, 6, new int[] {3}, 4, out);
        assertEquals(4, n);
        assertArrayEquals(new int[] {1, 0, 2, 5}, out);
        // fewer candidates than K
        n = TopKHeap.select(scores, 0, 6, new int[] {0, 1, 2, 3}, 4, out);
        assertEquals(2, n);
        assertEquals(5, out[0]);
        assertEquals(4, out[1]);
    }

    @Test
    void evaluatorRanksAllItemsAndExcludesTrainAndValidation() {
        // 2 users, 4 items, d = 1: user 0 scores items by their value, user 1 by minus it.
        float[] emb = {1f, -1f, 0.4f, 0.3f, 0.2f, 0.1f};
        int[][] train = {{0}, {}};
        int[][] validation = {{1}, {}};
        int[][] test = {{3}, {0, 3}};
        InteractionData d = new InteractionData("t", 2, 4, train, validation, test);
        RankingMetrics m = RankingEvaluator.evaluate(emb, 1, d, new int[] {1, 2}, Device.cpu(), 1);
        // user 0: candidates 2 (0.2), 3 (0.1) -> ranking 2, 3: test 3 at rank 2
        // user 1: scores -0.4 -0.3 -0.2 -0.1 -> ranking 3, 2, 1, 0: test {0,3}, 3 at rank 1
        assertEquals(2, m.users());
        assertEquals((0 + 1.0) / 2, m.precision(1), EPS);
        assertEquals((0 + 0.5) / 2, m.recall(1), EPS);
        assertEquals((lg(2) / lg(1) + lg(1) / (lg(1) + lg(2))) / 2, m.ndcg(2), EPS);
    }
}
