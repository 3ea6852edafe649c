package io.streamrec.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LateFusionTest {
  @Test
  void frozenAveragesOverTheModalitiesAnItemHas() {
    ModalityVectors text = new ModalityVectors("text", 3, 3);
    ModalityVectors audio = new ModalityVectors("audio", 2, 3);
    text.set(0, new float[] {1, 0, 0});
    audio.set(0, new float[] {0, 1});
    text.set(1, new float[] {0, 0, 2});
    // item 2 has no modality at all
    LateFusion frozen = new LateFusion(LateFusion.Variant.FROZEN, List.of(text, audio), 4, 7);
    assertEquals(1f / 3, frozen.scale(0), 1e-7);
    assertEquals(1f / 2, frozen.scale(1), 1e-7);
    assertEquals(1f, frozen.scale(2), 1e-7);

    int users = 1;
    float[] table = new float[(users + 3) * 4];
    for (int k = 0; k < table.length; k++) {
      table[k] = k;
    }
    float[] zero = new float[table.length];
    frozen.fuseItems(zero, users);
    float[] fused = table.clone();
    frozen.fuseItems(fused, users);
    for (int c = 0; c < 4; c++) {
      assertEquals(c, fused[c], 0, "users are not fused");
      // fused = s (e + C): linear in e with slope s, and the constant part is what a zero table gets
      assertEquals(zero[4 + c] + table[4 + c] / 3, fused[4 + c], 1e-4);
      assertEquals(zero[8 + c] + table[8 + c] / 2, fused[8 + c], 1e-4);
      assertEquals(table[12 + c], fused[12 + c], 0, "an item without modalities keeps its embedding");
    }

    LateFusion equal = new LateFusion(LateFusion.Variant.EQUAL, List.of(text, audio), 4, 7);
    assertEquals(0.5f, equal.scale(0), 0);
    float[] z = new float[table.length];
    equal.fuseItems(z, users);
    for (int c = 0; c < 4; c++) {
      // equal: (e + mean_j m W_j) / 2 = frozen's constant part × 3/2 / 2 for the two-modality item
      assertEquals(zero[4 + c] * 3 / 4, z[4 + c], 1e-5);
    }
  }

  @Test
  void unknownVariantsAreNamed() {
    assertEquals(LateFusion.Variant.FROZEN, LateFusion.parse("Frozen"));
    assertThrows(IllegalArgumentException.class, () -> LateFusion.parse("normalized"));
  }
}
