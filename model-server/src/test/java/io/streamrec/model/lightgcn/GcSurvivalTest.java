package io.streamrec.model.lightgcn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;
import io.streamrec.model.graph.CooAdjacency;
import io.streamrec.model.graph.NormalizedAdjacency;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * NDManager.createCoo wraps buffers that are freed under it, and the JVM dies with SIGSEGV
 * after a GC (STACK.md). Our COO tensors own their memory: training with the DJL sparse path
 * while forcing collections must survive (a crash here kills the test JVM, failing the build).
 */
class GcSurvivalTest {
    @Test
    void sparseAutogradTrainingSurvivesForcedGc() {
        InteractionData d = SyntheticInteractions.generate(400, 300, 5, 15, 2);
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(3)
                .setDim(32)
                .optBatchSize(256)
                .optBackend(LightGcnConfig.Backend.DJL)
                .build();
        try (LightGcnTrainer t = new LightGcnTrainer(d.numUsers(), d.numItems(), d.train(), cfg, Device.cpu(), null)) {
            double first = Double.NaN;
            double last = Double.NaN;
            for (int epoch = 0; epoch < 6; epoch++) {
                last = t.trainEpoch((s, total, mean) -> {
                    // Garbage, then a collection: frees any direct buffer nobody holds.
                    for (int k = 0; k < 50; k++) {
                        ByteBuffer.allocateDirect(1 << 16);
                    }
                    System.gc();
                });
                if (epoch == 0) {
                    first = last;
                }
            }
            assertTrue(last < first, "loss falls: " + first + " -> " + last);
        }
    }

    @Test
    void cooMatmulIsCorrectAfterGc() {
        int[][] items = {{0, 1}, {1}};
        NormalizedAdjacency adj = NormalizedAdjacency.fromUserItems(2, 2, items);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = CooAdjacency.create(m, adj);
            for (int k = 0; k < 20; k++) {
                ByteBuffer.allocateDirect(1 << 20);
                System.gc();
            }
            float[] x = a.matMul(m.create(new float[] {1, 2, 3, 4}, new Shape(4, 1)))
                    .toFloatArray();
            // rows: u0 -> i0 (w 1/sqrt2·1), i1 (1/(sqrt2·sqrt2)); u1 -> i1 (1/sqrt2); i0 -> u0; i1 -> u0, u1
            float r = (float) (1 / Math.sqrt(2));
            float[] expected = {r * 3 + 0.5f * 4, r * 4, r * 1, 0.5f * 1 + r * 2};
            for (int k = 0; k < 4; k++) {
                assertTrue(Math.abs(expected[k] - x[k]) < 1e-6, "row " + k + ": " + x[k] + " vs " + expected[k]);
            }
        }
    }
}
