package io.streamrec.model.lightgcn;

import ai.djl.Device;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child-JVM probe for {@link NativeStressTest}: trains the same seeded model twice with one
 * backend, first quietly, then under stress (a thread churning direct buffers, which only a GC
 * frees, and forcing a collection every few milliseconds, while the steps run), and prints how far
 * the two runs are apart. Steps are deterministic on one libtorch thread, so a native buffer freed
 * or reused under a live tensor shows up as a difference or a non-finite value; a crash shows up
 * as the JVM dying. Run with {@code -Xcheck:jni}.
 *
 * <p>Prints {@code STRESS steps=N gcs=G nonfinite=X maxdiff=D meandiff=M control=C}, where C is how far two quiet runs are apart.
 */
public final class NativeStressProbe {
    public static void main(String[] args) throws Exception {
        LightGcnConfig.Backend backend = LightGcnConfig.Backend.valueOf(args[0]);
        int steps = Integer.parseInt(args[1]);
        InteractionData d = SyntheticInteractions.generate(600, 400, 8, 16, 9);
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(2)
                .setDim(64)
                .optBatchSize(256)
                .optBackend(backend)
                .optThreads(1)
                .build();
        float[] quiet = train(d, cfg, steps, null);
        float[] again = train(d, cfg, steps, null); // the control: is quiet training itself repeatable in one process?
        double control = 0;
        for (int i = 0; i < quiet.length; i++) {
            control = Math.max(control, Math.abs(again[i] - quiet[i]));
        }
        AtomicBoolean on = new AtomicBoolean(true);
        AtomicLong gcs = new AtomicLong();
        Thread churn = new Thread(
                () -> {
                    List<ByteBuffer> keep = new ArrayList<>();
                    long k = 0;
                    while (on.get()) {
                        keep.add(ByteBuffer.allocateDirect(1 << 14));
                        if (keep.size() > 64) {
                            keep.clear(); // garbage: freed only by a collection
                        }
                        if (++k % 16 == 0) {
                            System.gc();
                            gcs.incrementAndGet();
                        }
                    }
                },
                "stress");
        churn.setDaemon(true);
        churn.start();
        float[] stressed;
        try {
            stressed = train(d, cfg, steps, gcs);
        } finally {
            on.set(false);
            churn.join();
        }
        int nonFinite = 0;
        double max = 0;
        double mean = 0;
        for (int i = 0; i < quiet.length; i++) {
            if (!Float.isFinite(stressed[i]) || !Float.isFinite(quiet[i])) {
                nonFinite++;
                continue;
            }
            double diff = Math.abs(stressed[i] - quiet[i]);
            max = Math.max(max, diff);
            mean += diff / quiet.length;
        }
        System.out.printf(
                "STRESS steps=%d gcs=%d nonfinite=%d maxdiff=%.3g meandiff=%.3g control=%.3g%n",
                steps, gcs.get(), nonFinite, max, mean, control);
    }

    private static float[] train(InteractionData d, LightGcnConfig cfg, int steps, AtomicLong gcs) {
        try (LightGcnTrainer t = new LightGcnTrainer(d.numUsers(), d.numItems(), d.train(), cfg, Device.cpu(), null)) {
            BprSampler s = new BprSampler(d.numItems(), d.train(), cfg.negatives(), 3);
            int[] u = new int[256];
            int[] p = new int[256];
            int[] q = new int[256];
            s.startEpoch();
            for (int k = 1; k <= steps; k++) {
                int n = s.next(u, p, q);
                if (n == 0) {
                    s.startEpoch();
                    n = s.next(u, p, q);
                }
                float loss = t.step(u, p, q, n);
                if (!Float.isFinite(loss)) {
                    System.out.println("STRESS non-finite loss " + loss + " at step " + k
                            + (gcs == null ? " (quiet run)" : " after " + gcs.get() + " GCs"));
                }
                if (gcs != null && k % 50 == 0) {
                    System.gc(); // and one from this thread, between steps
                }
            }
            return t.table();
        }
    }
}
