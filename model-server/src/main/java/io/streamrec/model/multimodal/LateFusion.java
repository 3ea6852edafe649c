package io.streamrec.model.multimodal;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LF-MMLGCN late fusion with constant projected modality vectors (RESEARCH.md §2): for item i
 * with collaborative embedding e_i (the LightGCN output) and the modalities P_i it has,
 *
 * <ul>
 *   <li>{@code frozen}: fused_i = (e_i + Σ_{j∈P_i} m_i^j W_j) / (|P_i| + 1), W_j a fixed random
 *       linear map (uniform ±1/√d_j, seeded), applied once: the study's default;
 *   <li>{@code equal}: fused_i = (e_i + mean_{j∈P_i} m_i^j W_j) / 2 (half collaborative).
 * </ul>
 *
 * An item without any modality keeps e_i; an item without any interaction can take its content
 * alone ({@link #contentOnlyFor}). Users keep their LightGCN embedding; score =
 * e_u · fused_i. Since fused_i = s_i (e_i + c_i) with constants s_i, c_i, the gradient with
 * respect to e_i is s_i times that with respect to fused_i. The trainable variants (learned W_j,
 * unfrozen, α, normalized) and early fusion are not implemented yet.
 */
public final class LateFusion {
  /** The implemented variants. */
  public enum Variant {
    FROZEN, EQUAL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Variant variant;
  private final int numItems;
  private final int dim;
  private final float[] constant;
  private final float[] scale;
  private final List<String> modalities = new ArrayList<>();
  private int[] count;

  public LateFusion(Variant variant, List<ModalityVectors> modalities, int dim, long seed) {
    if (modalities.isEmpty()) {
      throw new IllegalArgumentException("late fusion needs at least one modality");
    }
    this.variant = variant;
    this.numItems = modalities.get(0).numItems();
    this.dim = dim;
    this.constant = new float[numItems * dim];
    this.scale = new float[numItems];
    int[] count = new int[numItems];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (ModalityVectors m : modalities) {
      if (m.numItems() != numItems) {
        throw new IllegalArgumentException(m + " covers " + m.numItems() + " items, " + modalities.get(0) + " covers " + numItems);
      }
      this.modalities.add(m.name());
      float bound = (float) (1 / Math.sqrt(m.dim()));
      float[] w = new float[m.dim() * dim]; // W_j: d_j × d
      for (int k = 0; k < w.length; k++) {
        w[k] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      for (int i = 0; i < numItems; i++) {
        float[] v = m.get(i);
        if (v == null) {
          continue;
        }
        count[i]++;
        int o = i * dim;
        for (int r = 0; r < v.length; r++) {
          float x = v[r];
          int wr = r * dim;
          for (int c = 0; c < dim; c++) {
            constant[o + c] += x * w[wr + c];
          }
        }
      }
    }
    for (int i = 0; i < numItems; i++) {
      int n = count[i];
      if (n == 0) {
        scale[i] = 1f;
      } else if (variant == Variant.FROZEN) {
        scale[i] = 1f / (n + 1);
      } else {
        scale[i] = 0.5f;
        for (int c = 0; c < dim; c++) {
          constant[i * dim + c] /= n; // mean of the projected modalities
        }
      }
      for (int c = 0; c < dim; c++) {
        constant[i * dim + c] *= scale[i]; // stored as the shift: fused_i = a_i e_i + shift_i
      }
    }
    this.count = count;
  }

  public static Variant parse(String s) {
    for (Variant v : Variant.values()) {
      if (v.wireName().equals(s.toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException("fusion variant '" + s + "' is not one of none, frozen, equal "
        + "(learned, unfrozen, alpha, normalized and early fusion are not implemented yet)");
  }

  public int numItems() {
    return numItems;
  }

  /** a_i: d fused_i / d e_i. */
  public float scale(int item) {
    return scale[item];
  }

  /** a_i for every item (a copy): fused_i = a_i e_i + shift_i. */
  public float[] scales() {
    return scale.clone();
  }

  /** shift_i for every item, items × d (a copy). */
  public float[] shifts() {
    return constant.clone();
  }

  /**
   * Items without any interaction (degree 0 in the training graph) have an untrained e_i, pure
   * noise: they take their content alone, fused_i = the mean of their projected modalities
   * (a_i = 0), so a new item with content is ranked by what it is. Items with neither edges nor
   * modalities keep e_i.
   */
  public void contentOnlyFor(boolean[] noEdges) {
    for (int i = 0; i < numItems; i++) {
      if (noEdges[i] && count[i] > 0 && scale[i] != 0f) {
        int o = i * dim;
        // shift holds s·Σ or s·mean; the content mean is Σ/n
        float toMean = variant == Variant.FROZEN ? (1f / scale[i]) / count[i] : 1f / scale[i];
        for (int c = 0; c < dim; c++) {
          constant[o + c] *= toMean;
        }
        scale[i] = 0f;
      }
    }
  }

  /** Replaces e_i, the row at {@code offset} of {@code rows}, with fused_i. */
  public void fuseRow(FloatBuffer rows, int offset, int item) {
    float s = scale[item];
    int o = item * dim;
    for (int c = 0; c < dim; c++) {
      rows.put(offset + c, s * rows.get(offset + c) + constant[o + c]);
    }
  }

  /** Fuses every item row of a users-first N×d table in place. */
  public void fuseItems(float[] table, int numUsers) {
    for (int i = 0; i < numItems; i++) {
      float s = scale[i];
      int t = (numUsers + i) * dim;
      int o = i * dim;
      for (int c = 0; c < dim; c++) {
        table[t + c] = s * table[t + c] + constant[o + c];
      }
    }
  }

  /** What the saved model records. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("variant", variant.wireName());
    m.put("modalities", List.copyOf(modalities));
    m.put("projection", "fixed random, uniform ±1/sqrt(d_j), seeded");
    return m;
  }
}
