package io.streamrec.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Fold-in: a user's items since a version move its vector, in proportion to how many they are. */
class FoldInTest {
    @Test
    void blendsDirectionsWeightedByItemCounts() {
        // trained vector along x (length 2) standing for 3 items; one new item along y (length 10)
        float[] out = FoldIn.blend(new float[] {2, 0}, 3, new float[] {0, 10}, 1);
        assertArrayEquals(new float[] {0.75f, 0.25f}, out, 1e-6f);
    }
}
