package io.streamrec.model.lightgcn;

import ai.djl.Device;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;

/**
 * Child-JVM probe for {@link NativeMemoryTest}: trains with one backend and prints resident
 * memory after 100 and after 1,000 steps. Runs with a fixed, pre-touched heap, so what grows
 * is native memory (libtorch tensors, direct buffers), not the Java heap settling.
 */
public final class NativeMemoryProbe {
    public static void main(String[] args) {
        LightGcnConfig.Backend backend = LightGcnConfig.Backend.valueOf(args[0]);
        int steps = Integer.parseInt(args[1]);
        InteractionData d = SyntheticInteractions.generate(1000, 500, 10, 20, 5);
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(2)
                .setDim(32)
                .optBatchSize(256)
                .optBackend(backend)
                .optThreads(2)
                .build();
        try (LightGcnTrainer t = new LightGcnTrainer(d.numUsers(), d.numItems(), d.train(), cfg, Device.cpu(), null)) {
            BprSampler s = new BprSampler(d.numItems(), d.train(), cfg.negatives(), 1);
            int[] u = new int[256];
            int[] p = new int[256];
            int[] q = new int[256];
            s.startEpoch();
            long at100 = -1;
            for (int k = 1; k <= steps; k++) {
                int n = s.next(u, p, q);
                if (n == 0) {
                    s.startEpoch();
                    n = s.next(u, p, q);
                }
                t.step(u, p, q, n);
                if (k == 100) {
                    at100 = ResidentMemory.currentKb();
                }
            }
            System.out.println("RSS_KB " + at100 + " " + ResidentMemory.currentKb());
        }
    }
}
