package io.streamrec.model.multimodal;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LF-MMLGCN late fusion (RESEARCH.md §2). For item i with collaborative embedding e_i (the
 * LightGCN output) and the modalities P_i it has, with projected modality vectors m_i^j W_j
 * (W_j a fixed random linear map, uniform ±1/√d_j, seeded: the study's frozen projection) and
 * S_i = Σ_{j∈P_i} m_i^j W_j, n_i = |P_i|:
 *
 * <ul>
 *   <li>{@code frozen}: fused_i = (e_i + S_i) / (n_i + 1);
 *   <li>{@code equal}: fused_i = (e_i + S_i / n_i) / 2 (half collaborative);
 *   <li>{@code alpha}: fused_i = (α e_i + (1 − α) S_i) / (n_i + 1), α = sigmoid(w), w learned with
 *       the model from w₀ = 0 (the study's α variant);
 *   <li>{@code convex} (ours): fused_i = α e_i + (1 − α) S_i / n_i, α learned the same way: a
 *       convex mix with no 1/(n_i+1) shrinking of the item embedding, so α → 1 is exactly
 *       LightGCN and the content can only be taken in where it helps.
 * </ul>
 *
 * An item without any modality keeps e_i. An item without any interaction can take its content
 * alone, fused_i = S_i / n_i ({@link #contentOnlyFor}). Users keep their LightGCN embedding;
 * score = e_u · fused_i. Every variant is fused_i = a_i e_i + shift_i, so the gradient with
 * respect to e_i is a_i times that with respect to fused_i. Not implemented yet: learned W_j,
 * unfrozen, normalized, early fusion.
 */
public final class LateFusion {
  /** The implemented variants. */
  public enum Variant {
    FROZEN, EQUAL, ALPHA, CONVEX;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Variant variant;
  private final int numItems;
  private final int dim;
  private final float[] sum;      // S_i, items × d
  private final int[] count;      // n_i
  private final boolean[] contentOnly;
  private final float[] scale;    // a_i
  private final float[] shift;    // shift_i, items × d
  private final List<String> modalities = new ArrayList<>();
  private float w;                // alpha = sigmoid(w)

  public LateFusion(Variant variant, List<ModalityVectors> modalities, int dim, long seed) {
    if (modalities.isEmpty()) {
      throw new IllegalArgumentException("late fusion needs at least one modality");
    }
    this.variant = variant;
    this.numItems = modalities.get(0).numItems();
    this.dim = dim;
    this.sum = new float[numItems * dim];
    this.count = new int[numItems];
    this.contentOnly = new boolean[numItems];
    this.scale = new float[numItems];
    this.shift = new float[numItems * dim];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (ModalityVectors m : modalities) {
      if (m.numItems() != numItems) {
        throw new IllegalArgumentException(m + " covers " + m.numItems() + " items, " + modalities.get(0) + " covers " + numItems);
      }
      this.modalities.add(m.name());
      float bound = (float) (1 / Math.sqrt(m.dim()));
      float[] wj = new float[m.dim() * dim]; // W_j: d_j × d
      for (int k = 0; k < wj.length; k++) {
        wj[k] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
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
            sum[o + c] += x * wj[wr + c];
          }
        }
      }
    }
    recompute();
  }

  public static Variant parse(String s) {
    for (Variant v : Variant.values()) {
      if (v.wireName().equals(s.toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException("fusion variant '" + s + "' is not one of none, frozen, equal, alpha, convex "
        + "(learned projections, unfrozen, normalized and early fusion are not implemented yet)");
  }

  private void recompute() {
    float alpha = alpha();
    for (int i = 0; i < numItems; i++) {
      int n = count[i];
      float a;
      float b; // shift = b · S_i
      if (n == 0) {
        a = 1f;
        b = 0f;
      } else if (contentOnly[i]) {
        a = 0f;
        b = 1f / n;
      } else {
        switch (variant) {
          case FROZEN -> { a = 1f / (n + 1); b = a; }
          case EQUAL -> { a = 0.5f; b = 0.5f / n; }
          case CONVEX -> { a = alpha; b = (1 - alpha) / n; }
          default -> { a = alpha / (n + 1); b = (1 - alpha) / (n + 1); }
        }
      }
      scale[i] = a;
      int o = i * dim;
      for (int c = 0; c < dim; c++) {
        shift[o + c] = b * sum[o + c];
      }
    }
  }

  /**
   * Items without any interaction (degree 0 in the training graph) have an untrained e_i, pure
   * noise: they take their content alone, fused_i = S_i / n_i, so a new item with content is
   * ranked by what it is. Items with neither edges nor modalities keep e_i.
   */
  public void contentOnlyFor(boolean[] noEdges) {
    for (int i = 0; i < numItems; i++) {
      contentOnly[i] = noEdges[i] && count[i] > 0;
    }
    recompute();
  }

  public Variant variant() {
    return variant;
  }

  public boolean learnsAlpha() {
    return variant == Variant.ALPHA || variant == Variant.CONVEX;
  }

  /** α = sigmoid(w) (1 for variants without it). */
  public float alpha() {
    return learnsAlpha() ? (float) (1 / (1 + Math.exp(-w))) : 1f;
  }

  /** d fused_i / d α = factor_i (e_i − content_i); factor_i = 1/(n_i+1) (alpha) or 1 (convex); 0 if not fused normally. */
  private float factor(int i) {
    if (count[i] == 0 || contentOnly[i]) {
      return 0f;
    }
    return variant == Variant.CONVEX ? 1f : 1f / (count[i] + 1);
  }

  /** content_i: S_i (alpha) or S_i / n_i (convex). */
  private float contentScale(int i) {
    return variant == Variant.CONVEX ? 1f / count[i] : 1f;
  }

  public float w() {
    return w;
  }

  /** Sets the learned logit w and recomputes a_i, shift_i. */
  public void setW(float w) {
    this.w = w;
    recompute();
  }

  /**
   * d loss / d w given the loss gradient {@code g} with respect to fused item rows and the raw
   * rows {@code e} (both b × d, row k belongs to {@code items[k]}): Σ_k g_k · (e_k − S_i)/(n_i+1)
   * · α(1 − α), over items that are fused normally.
   */
  public double gradW(float[] g, float[] e, int[] items, int b) {
    double acc = 0;
    for (int k = 0; k < b; k++) {
      int i = items[k];
      float f = factor(i);
      if (f == 0f) {
        continue;
      }
      float cs = contentScale(i);
      int o = i * dim;
      int r = k * dim;
      double dot = 0;
      for (int c = 0; c < dim; c++) {
        dot += (double) g[r + c] * (e[r + c] - cs * sum[o + c]);
      }
      acc += f * dot;
    }
    double a = alpha();
    return acc * a * (1 - a);
  }

  public int numItems() {
    return numItems;
  }

  /** a_i: d fused_i / d e_i. */
  public float scale(int item) {
    return scale[item];
  }

  /** a_i for every item (a copy). */
  public float[] scales() {
    return scale.clone();
  }

  /** shift_i for every item, items × d (a copy). */
  public float[] shifts() {
    return shift.clone();
  }

  /** factor_i for every item (a copy): fused_i = e_i (factor_i α + fixed_i) + factor_i (1 − α) content_i + fixedShift_i. */
  public float[] alphaFactors() {
    float[] f = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      f[i] = factor(i);
    }
    return f;
  }

  /** content_i for normally fused items, 0 otherwise (a copy). */
  public float[] alphaSums() {
    float[] f = new float[numItems * dim];
    for (int i = 0; i < numItems; i++) {
      if (factor(i) != 0f) {
        float cs = contentScale(i);
        for (int c = 0; c < dim; c++) {
          f[i * dim + c] = cs * sum[i * dim + c];
        }
      }
    }
    return f;
  }

  /** The fixed part for items not fused normally: e_i's weight 1 (no modality) or content alone. */
  public float[] fixedScales() {
    float[] f = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      f[i] = count[i] == 0 ? 1f : 0f;
    }
    return f;
  }

  /** S_i / n_i for content-only items, 0 otherwise (a copy). */
  public float[] fixedShifts() {
    float[] f = new float[numItems * dim];
    for (int i = 0; i < numItems; i++) {
      if (count[i] > 0 && contentOnly[i]) {
        for (int c = 0; c < dim; c++) {
          f[i * dim + c] = sum[i * dim + c] / count[i];
        }
      }
    }
    return f;
  }

  /** Replaces e_i, the row at {@code offset} of {@code rows}, with fused_i. */
  public void fuseRow(FloatBuffer rows, int offset, int item) {
    float s = scale[item];
    int o = item * dim;
    for (int c = 0; c < dim; c++) {
      rows.put(offset + c, s * rows.get(offset + c) + shift[o + c]);
    }
  }

  /** Fuses every item row of a users-first N×d table in place. */
  public void fuseItems(float[] table, int numUsers) {
    for (int i = 0; i < numItems; i++) {
      float s = scale[i];
      int t = (numUsers + i) * dim;
      int o = i * dim;
      for (int c = 0; c < dim; c++) {
        table[t + c] = s * table[t + c] + shift[o + c];
      }
    }
  }

  /** What the saved model records. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("variant", variant.wireName());
    m.put("modalities", List.copyOf(modalities));
    m.put("projection", "fixed random, uniform ±1/sqrt(d_j), seeded");
    if (learnsAlpha()) {
      m.put("alpha", alpha());
    }
    return m;
  }
}
