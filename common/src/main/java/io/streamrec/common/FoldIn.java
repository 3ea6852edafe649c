package io.streamrec.common;

import java.util.List;
import java.util.Map;

/**
 * Folds a user's interactions since a model version into the user's vector of that version, the
 * way LightGCN's propagation would (a user's embedding aggregates its items'): the direction of
 * the trained vector and the direction of the mean of the new items' vectors, weighted by how
 * many items each stands for. Used by serving (graph job) and the offline prequential replay.
 */
public final class FoldIn {
  private FoldIn() {}

  /**
   * @param user the user's vector in the version
   * @param atVersion how many of the user's items the version had seen (the first ones of {@code history})
   * @param history the user's items in order of first interaction
   * @param index item id → row of {@code itemVectors}
   */
  public static float[] blend(float[] user, int atVersion, List<String> history, Map<String, Integer> index,
      float[] itemVectors, int dim) {
    if (history.size() <= atVersion) {
      return user;
    }
    float[] mean = new float[dim];
    int n = 0;
    for (int k = atVersion; k < history.size(); k++) {
      Integer row = index.get(history.get(k));
      if (row != null) {
        for (int c = 0; c < dim; c++) {
          mean[c] += itemVectors[row * dim + c];
        }
        n++;
      }
    }
    return n == 0 ? user : blend(user, Math.max(1, atVersion), mean, n);
  }

  /** {@code (wu · user/|user| + wn · mean/|mean|) / (wu + wn)}. */
  public static float[] blend(float[] user, int wu, float[] mean, int wn) {
    double nu = norm(user);
    double nm = norm(mean);
    if (nu == 0 || nm == 0) {
      return nu == 0 ? mean : user;
    }
    float[] out = new float[user.length];
    double a = wu / (nu * (wu + wn));
    double b = wn / (nm * (wu + wn));
    for (int c = 0; c < out.length; c++) {
      out[c] = (float) (a * user[c] + b * mean[c]);
    }
    return out;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
