package io.streamrec.model.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.streamrec.common.FoldIn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fold-in: a user's items since a version move its vector, in proportion to how many they are. */
class FoldInTest {
  @Test
  void blendsDirectionsWeightedByItemCounts() {
    // trained vector along x (length 2) standing for 3 items; one new item along y (length 10)
    float[] out = FoldIn.blend(new float[] {2, 0}, 3, new float[] {0, 10}, 1);
    assertArrayEquals(new float[] {0.75f, 0.25f}, out, 1e-6f);
  }

  @Test
  void usesOnlyTheItemsAfterTheVersionThatTheModelKnows() {
    Map<String, Integer> index = Map.of("a", 0, "b", 1);
    float[] items = {1, 0, 0, 1}; // a = x, b = y
    float[] user = {1, 0};
    // history: a (in the version), then b and an unknown item c since: mean of b alone, weight 1 vs 1
    assertArrayEquals(new float[] {0.5f, 0.5f}, FoldIn.blend(user, 1, List.of("a", "b", "c"), index, items, 2), 1e-6f);
    assertSame(user, FoldIn.blend(user, 1, List.of("a"), index, items, 2), "nothing new: the vector as it is");
    assertSame(user, FoldIn.blend(user, 1, List.of("a", "c"), index, items, 2), "only unknown items: unchanged");
  }
}
