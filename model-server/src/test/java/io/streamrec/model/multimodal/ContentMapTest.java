package io.streamrec.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContentMapTest {
    @Test
    void choleskyRidgeSolvesTheNormalEquations() {
        // G = [[4, 2], [2, 3]] (upper triangle stored), λ = 1: (G + I) w = c
        double[] g = {4, 2, 0, 3};
        double[] c = {1, 2};
        double[] w = ContentMap.solve(g, c, 2, 1, 1);
        assertEquals(1, 5 * w[0] + 2 * w[1], 1e-12);
        assertEquals(2, 2 * w[0] + 4 * w[1], 1e-12);
    }

    @Test
    void recoversALinearContentToEmbeddingRelationAndMapsOnlyColdItems() {
        int items = 300;
        int users = 2;
        int dim = 3;
        Random r = new Random(1);
        ModalityVectors text = new ModalityVectors("text", 5, items);
        ModalityVectors image = new ModalityVectors("image", 4, items);
        double[][] wt = new double[5][dim];
        double[][] wi = new double[4][dim];
        for (double[] row : wt) {
            for (int c = 0; c < dim; c++) {
                row[c] = r.nextGaussian();
            }
        }
        for (double[] row : wi) {
            for (int c = 0; c < dim; c++) {
                row[c] = r.nextGaussian();
            }
        }
        float[] table = new float[(users + items) * dim];
        boolean[] warm = new boolean[items];
        for (int i = 0; i < items; i++) {
            float[] t = new float[5];
            float[] m = new float[4];
            for (int k = 0; k < 5; k++) {
                t[k] = (float) r.nextGaussian();
            }
            for (int k = 0; k < 4; k++) {
                m[k] = (float) r.nextGaussian();
            }
            text.set(i, t);
            if (i % 5 != 0) {
                image.set(i, m);
            }
            float[] tn = text.get(i);
            float[] mn = image.get(i);
            for (int c = 0; c < dim; c++) {
                double y = 0.3;
                for (int k = 0; k < 5; k++) {
                    y += tn[k] * wt[k][c];
                }
                if (mn != null) {
                    for (int k = 0; k < 4; k++) {
                        y += mn[k] * wi[k][c];
                    }
                }
                table[(users + i) * dim + c] = (float) y;
            }
            warm[i] = i < 250;
        }
        float[] truth = table.clone();
        for (int i = 250; i < items; i++) { // cold items: untrained noise
            for (int c = 0; c < dim; c++) {
                table[(users + i) * dim + c] = 9f;
            }
        }
        ContentMap map = ContentMap.fit(List.of(text, image), table, users, dim, warm, 3);
        assertEquals(0.01, map.lambda(), 0, "noise-free data: the smallest λ cross-validates best");
        boolean[] cold = new boolean[items];
        for (int i = 250; i < items; i++) {
            cold[i] = true;
        }
        float[] before = table.clone();
        assertEquals(50, map.applyTo(table, users, cold));
        for (int i = 0; i < items; i++) {
            for (int c = 0; c < dim; c++) {
                int k = (users + i) * dim + c;
                if (i < 250) {
                    assertEquals(before[k], table[k], 0f, "warm items keep their embedding");
                } else {
                    assertEquals(truth[k], table[k], 0.02, "cold item " + i);
                }
            }
        }
        assertTrue(map.heldOutMse() < 0.01, "cross-validated error " + map.heldOutMse());
    }
}
