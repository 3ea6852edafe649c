package io.streamrec.model.multimodal;

import io.streamrec.serving.VectorMath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A linear map from what an item is (its modality vectors) to where the trained model put it
 * (its final item embedding), fitted by ridge regression on the items that have interactions and
 * used for items that have none: ê_i = Σ_j m_i^j W_j + b. This is a learned per-modality
 * projection, fitted in closed form against the collaborative embeddings instead of through the
 * ranking loss, so it needs no trade-off against warm items: warm items keep their trained
 * embedding, and a cold item lands where warm items with similar content are.
 *
 * <p>Features: the L2-normalised modality vectors concatenated (a missing modality is zeros) and a
 * constant 1. λ is chosen from a grid by k-fold cross-validation (mean squared error on held-out
 * warm items), seeded.
 */
public final class ContentMap {
    /** The λ grid searched. */
    public static final double[] LAMBDAS = {0.01, 0.1, 1, 10, 100};

    private static final int FOLDS = 3;

    private final List<ModalityVectors> modalities;
    private final int features;
    private final int dim;
    private final double[] weights; // features × dim
    private final double lambda;
    private final double heldOutMse;
    private final double baselineMse;
    private final int fittedOn;

    private ContentMap(
            List<ModalityVectors> modalities,
            int dim,
            double[] weights,
            double lambda,
            double heldOutMse,
            double baselineMse,
            int fittedOn) {
        this.modalities = modalities;
        this.features = featureCount(modalities);
        this.dim = dim;
        this.weights = weights;
        this.lambda = lambda;
        this.heldOutMse = heldOutMse;
        this.baselineMse = baselineMse;
        this.fittedOn = fittedOn;
    }

    private static int featureCount(List<ModalityVectors> modalities) {
        int f = 1;
        for (ModalityVectors m : modalities) {
            f += m.dim();
        }
        return f;
    }

    /**
     * Fits the map on the items {@code fitOn} marks that have at least one modality, with targets
     * their rows in {@code table} (users-first N×d: item i is row numUsers + i).
     */
    public static ContentMap fit(
            List<ModalityVectors> modalities, float[] table, int numUsers, int dim, boolean[] fitOn, long seed) {
        int numItems = modalities.get(0).numItems();
        int f = featureCount(modalities);
        int[] items = IntStream.range(0, numItems)
                .filter(i -> fitOn[i] && hasContent(modalities, i))
                .toArray();
        if (items.length < 2 * FOLDS) {
            throw new IllegalArgumentException("a content map needs at least " + 2 * FOLDS
                    + " items with interactions and content, got " + items.length);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] fold = new int[items.length];
        for (int k = 0; k < items.length; k++) {
            fold[k] = k % FOLDS;
        }
        for (int k = items.length - 1; k > 0; k--) { // shuffle the fold labels
            int r = rnd.nextInt(k + 1);
            int t = fold[k];
            fold[k] = fold[r];
            fold[r] = t;
        }
        double[][] gram = new double[FOLDS][f * f];
        double[][] cross = new double[FOLDS][f * dim];
        double[] x = new double[f];
        for (int k = 0; k < items.length; k++) {
            features(modalities, items[k], x);
            double[] g = gram[fold[k]];
            double[] c = cross[fold[k]];
            int yo = (numUsers + items[k]) * dim;
            for (int a = 0; a < f; a++) {
                double xa = x[a];
                if (xa == 0) {
                    continue;
                }
                int ro = a * f;
                for (int b = a; b < f; b++) {
                    g[ro + b] += xa * x[b];
                }
                int co = a * dim;
                for (int c2 = 0; c2 < dim; c2++) {
                    c[co + c2] += xa * table[yo + c2];
                }
            }
        }
        double bestLambda = LAMBDAS[0];
        double bestMse = Double.POSITIVE_INFINITY;
        for (double lambda : LAMBDAS) {
            double se = 0;
            for (int h = 0; h < FOLDS; h++) {
                double[] w = solve(sumExcept(gram, h, f * f), sumExcept(cross, h, f * dim), f, dim, lambda);
                se += squaredError(modalities, table, numUsers, dim, items, fold, h, w, f);
            }
            double mse = se / items.length;
            if (mse < bestMse) {
                bestMse = mse;
                bestLambda = lambda;
            }
        }
        double[] w = solve(sumExcept(gram, -1, f * f), sumExcept(cross, -1, f * dim), f, dim, bestLambda);
        // the figure to beat: predicting every item as the mean item
        float[] mean = VectorMath.meanOfRows(table, dim, numUsers, items);
        double base = 0;
        for (int i : items) {
            for (int c = 0; c < dim; c++) {
                double dlt = table[(numUsers + i) * dim + c] - mean[c];
                base += dlt * dlt;
            }
        }
        return new ContentMap(List.copyOf(modalities), dim, w, bestLambda, bestMse, base / items.length, items.length);
    }

    private static boolean hasContent(List<ModalityVectors> modalities, int item) {
        for (ModalityVectors m : modalities) {
            if (m.get(item) != null) {
                return true;
            }
        }
        return false;
    }

    private static void features(List<ModalityVectors> modalities, int item, double[] x) {
        int o = 0;
        for (ModalityVectors m : modalities) {
            float[] v = m.get(item);
            for (int r = 0; r < m.dim(); r++) {
                x[o + r] = v == null ? 0 : v[r];
            }
            o += m.dim();
        }
        x[o] = 1;
    }

    private static double[] sumExcept(double[][] parts, int skip, int n) {
        double[] s = new double[n];
        for (int p = 0; p < parts.length; p++) {
            if (p != skip) {
                for (int k = 0; k < n; k++) {
                    s[k] += parts[p][k];
                }
            }
        }
        return s;
    }

    /** (G + λI) W = C with G upper-triangular-filled f×f, by Cholesky; returns W f×d. */
    static double[] solve(double[] g, double[] c, int f, int d, double lambda) {
        double[] l = new double[f * f];
        for (int i = 0; i < f; i++) {
            for (int j = 0; j <= i; j++) {
                double s = g[j * f + i] + (i == j ? lambda : 0); // G is stored in the upper triangle: G[j][i], j ≤ i
                for (int k = 0; k < j; k++) {
                    s -= l[i * f + k] * l[j * f + k];
                }
                if (i == j) {
                    if (s <= 0) {
                        throw new ArithmeticException("ridge system not positive definite (λ=" + lambda + ")");
                    }
                    l[i * f + i] = Math.sqrt(s);
                } else {
                    l[i * f + j] = s / l[j * f + j];
                }
            }
        }
        double[] w = c.clone();
        for (int col = 0; col < d; col++) { // L y = c, then Lᵀ w = y
            for (int i = 0; i < f; i++) {
                double s = w[i * d + col];
                for (int k = 0; k < i; k++) {
                    s -= l[i * f + k] * w[k * d + col];
                }
                w[i * d + col] = s / l[i * f + i];
            }
            for (int i = f - 1; i >= 0; i--) {
                double s = w[i * d + col];
                for (int k = i + 1; k < f; k++) {
                    s -= l[k * f + i] * w[k * d + col];
                }
                w[i * d + col] = s / l[i * f + i];
            }
        }
        return w;
    }

    private static double squaredError(
            List<ModalityVectors> modalities,
            float[] table,
            int numUsers,
            int dim,
            int[] items,
            int[] fold,
            int h,
            double[] w,
            int f) {
        double[] x = new double[f];
        double se = 0;
        for (int k = 0; k < items.length; k++) {
            if (fold[k] != h) {
                continue;
            }
            features(modalities, items[k], x);
            int yo = (numUsers + items[k]) * dim;
            for (int c = 0; c < dim; c++) {
                double p = 0;
                for (int a = 0; a < f; a++) {
                    p += x[a] * w[a * dim + c];
                }
                double dlt = p - table[yo + c];
                se += dlt * dlt;
            }
        }
        return se;
    }

    /** ê_i into row numUsers + i of {@code table}, for every item {@code items} marks that has content; returns how many. */
    public int applyTo(float[] table, int numUsers, boolean[] items) {
        double[] x = new double[features];
        int n = 0;
        for (int i = 0; i < items.length; i++) {
            if (!items[i] || !hasContent(modalities, i)) {
                continue;
            }
            features(modalities, i, x);
            int o = (numUsers + i) * dim;
            for (int c = 0; c < dim; c++) {
                double p = 0;
                for (int a = 0; a < features; a++) {
                    p += x[a] * weights[a * dim + c];
                }
                table[o + c] = (float) p;
            }
            n++;
        }
        return n;
    }

    public double lambda() {
        return lambda;
    }

    /** Cross-validated mean squared error per item (sum over d) at the chosen λ. */
    public double heldOutMse() {
        return heldOutMse;
    }

    /** What the saved model and result files record. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", "ridge map from modality vectors to trained item embeddings, for items without interactions");
        m.put("modalities", modalities.stream().map(ModalityVectors::name).toList());
        m.put("lambda", lambda);
        m.put("fitted_on_items", fittedOn);
        m.put("cv_mse", round(heldOutMse));
        m.put("mean_item_mse", round(baselineMse));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
