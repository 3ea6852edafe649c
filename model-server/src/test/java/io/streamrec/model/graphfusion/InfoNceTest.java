package io.streamrec.model.graphfusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamrec.model.graph.ScalarTensors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The in-batch InfoNCE term: its value and autograd gradient against the closed form, in double. */
class InfoNceTest {
    @Test
    void gradientMatchesTheClosedForm() {
        int n = 7;
        int d = 5;
        double tau = 0.2;
        SplittableRandom r = new SplittableRandom(3);
        float[] a = new float[n * d];
        float[] b = new float[n * d];
        for (int k = 0; k < a.length; k++) {
            a[k] = (float) r.nextGaussian();
            b[k] = (float) r.nextGaussian();
        }
        double[][] expected = closedForm(a, b, n, d, tau);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ScalarTensors scalars = new ScalarTensors(m);
            NDArray x = m.create(a, new Shape(n, d));
            NDArray y = m.create(b, new Shape(n, d));
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            float loss;
            try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = InfoNce.inBatch(x, y, (float) tau, scalars);
                c.backward(l);
                loss = l.getFloat();
            }
            assertEquals(expected[0][0], loss, 1e-5);
            float[] ga = x.getGradient().toFloatArray();
            float[] gb = y.getGradient().toFloatArray();
            for (int k = 0; k < n * d; k++) {
                assertEquals(expected[1][k], ga[k], 1e-5, "dL/da[" + k + "]");
                assertEquals(expected[2][k], gb[k], 1e-5, "dL/db[" + k + "]");
            }
        }
    }

    /**
     * L = mean_i(−S_ii + log Σ_j e^{S_ij}), S = â b̂ᵀ / τ; dL/dS = (softmax(S) − I) / n; dL/dâ = dS b̂ / τ,
     * dL/db̂ = dSᵀ â / τ; through the normalisation dL/da = (g − â (â·g)) / ‖a‖. Returns {value}, dL/da, dL/db.
     */
    private static double[][] closedForm(float[] a, float[] b, int n, int d, double tau) {
        double[] an = new double[n * d];
        double[] bn = new double[n * d];
        double[] na = new double[n];
        double[] nb = new double[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                na[i] += (double) a[i * d + c] * a[i * d + c];
                nb[i] += (double) b[i * d + c] * b[i * d + c];
            }
            na[i] = Math.sqrt(na[i]);
            nb[i] = Math.sqrt(nb[i]);
            for (int c = 0; c < d; c++) {
                an[i * d + c] = a[i * d + c] / na[i];
                bn[i * d + c] = b[i * d + c] / nb[i];
            }
        }
        double[][] s = new double[n][n];
        double loss = 0;
        double[][] ds = new double[n][n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < d; c++) {
                    s[i][j] += an[i * d + c] * bn[j * d + c];
                }
                s[i][j] /= tau;
                max = Math.max(max, s[i][j]);
            }
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += Math.exp(s[i][j] - max);
            }
            loss += -s[i][i] + max + Math.log(z);
            for (int j = 0; j < n; j++) {
                ds[i][j] = (Math.exp(s[i][j] - max) / z - (i == j ? 1 : 0)) / n;
            }
        }
        double[] gaHat = new double[n * d];
        double[] gbHat = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < d; c++) {
                    gaHat[i * d + c] += ds[i][j] * bn[j * d + c] / tau;
                    gbHat[j * d + c] += ds[i][j] * an[i * d + c] / tau;
                }
            }
        }
        return new double[][] {{loss / n}, throughNorm(gaHat, an, na, n, d), throughNorm(gbHat, bn, nb, n, d)};
    }

    private static double[] throughNorm(double[] g, double[] unit, double[] norm, int n, int d) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += unit[i * d + c] * g[i * d + c];
            }
            for (int c = 0; c < d; c++) {
                out[i * d + c] = (g[i * d + c] - unit[i * d + c] * dot) / norm[i];
            }
        }
        return out;
    }
}
