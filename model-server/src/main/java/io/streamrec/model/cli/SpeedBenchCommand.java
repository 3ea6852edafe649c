package io.streamrec.model.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.common.Percentiles;
import io.streamrec.model.data.DatasetLoader;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.graphfusion.GraphFusionTrainer;
import io.streamrec.model.lightgcn.BprSampler;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.lightgcn.LightGcnConfig;
import io.streamrec.model.lightgcn.LightGcnTrainer;
import io.streamrec.model.lightgcn.ResidentMemory;
import io.streamrec.model.multimodal.ModalityVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-speed}: seconds per training step and per epoch of the configured backend, the
 * plain DJL COO-autograd step as the baseline in the same run, and peak resident memory.
 */
@Command(
        name = "bench-speed",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Measures training speed: median step, one full epoch, the DJL COO baseline step, peak RSS; with --model mmgef|rednd "
                        + "that model's step and epoch against a LightGCN epoch in the same run.")
public final class SpeedBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SpeedBenchCommand.class);

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Dataset directory (e.g. ../shared/data/gowalla).")
    Path data;

    @Option(names = "--layers", defaultValue = Defaults.LAYERS, description = "K (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dim", defaultValue = Defaults.DIM, description = "d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--batch-size",
            defaultValue = Defaults.BATCH_SIZE,
            description = "Batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--steps",
            defaultValue = "40",
            description = "Timed steps of the fast backend (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--baseline-steps",
            defaultValue = "8",
            description = "Timed DJL COO baseline steps; 0 = skip (default: ${DEFAULT-VALUE}).")
    int baselineSteps;

    @Option(names = "--skip-epoch", description = "Do not time a whole epoch.")
    boolean skipEpoch;

    @Option(
            names = "--backend",
            defaultValue = Defaults.BACKEND,
            description = "Backend under test: auto, csr or djl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--threads",
            defaultValue = Defaults.THREADS,
            description = "Propagation threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--device",
            defaultValue = Defaults.DEVICE,
            description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results JSON here.")
    Path out;

    @Option(
            names = "--model",
            defaultValue = "lightgcn",
            description =
                    "lightgcn, or mmgef / rednd (timed on DJL, with a LightGCN epoch on --backend for comparison; need --modality) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--modality",
            paramLabel = "NAME=FILE",
            description = "mmgef/rednd: a modality's item vectors (.npy, row r = item r), repeatable.")
    Map<String, Path> modalities = new LinkedHashMap<>();

    @CommandLine.Mixin
    GraphFusionOptions graph = new GraphFusionOptions();

    @Override
    public Integer call() throws IOException {
        InteractionData d = DatasetLoader.load(data);
        LOG.info("Loaded {}", d);
        Device dev = DeviceSelection.resolve(device);
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(layers)
                .setDim(dim)
                .optBatchSize(batchSize)
                .optBackend(TrainCommand.enumOf(LightGcnConfig.Backend.class, backend, "--backend"))
                .optThreads(threads)
                .build();
        Map<String, Object> r = new LinkedHashMap<>();
        double[] fast;
        double epochSeconds = Double.NaN;
        if (!model.equalsIgnoreCase("lightgcn")) {
            if (modalities.isEmpty()) {
                throw new IllegalArgumentException("--model " + model + " needs at least one --modality NAME=FILE.npy");
            }
            List<ModalityVectors> mods = new ArrayList<>();
            for (Map.Entry<String, Path> m : modalities.entrySet()) {
                mods.add(ModalityVectors.fromNpy(m.getKey(), m.getValue(), d.numItems()));
            }
            long tb = System.nanoTime();
            try (GraphFusionTrainer g = new GraphFusionTrainer(
                    d.numUsers(),
                    d.numItems(),
                    d.train(),
                    mods,
                    cfg,
                    graph.config(GraphFusionConfig.Kind.parse(model)),
                    dev,
                    null)) {
                r.put("model_build_seconds", TrainCommand.round((System.nanoTime() - tb) / 1e9));
                double[] gs = timeSteps(g::step, d, 3, steps);
                long t0 = System.nanoTime();
                g.trainEpoch(null);
                double ge = (System.nanoTime() - t0) / 1e9;
                LOG.info(
                        "{}: median step {} s, one epoch {} s",
                        model,
                        TrainCommand.fmt(median(gs)),
                        TrainCommand.fmt(ge));
                r.put("model", model);
                r.put("model_step_seconds", TrainCommand.round(median(gs)));
                r.put("model_epoch_seconds", TrainCommand.round(ge));
                r.put("model_embedding_dim", g.embeddingDim());
                r.put("model_peak_rss_mb", peakRssMb());
            }
        }
        try (LightGcnTrainer t = new LightGcnTrainer(d.numUsers(), d.numItems(), d.train(), cfg, dev, null)) {
            fast = timeSteps(t::step, d, 3, steps);
            LOG.info(
                    "{} backend: median step {} s over {} steps",
                    t.usesCsrBackend() ? "csr" : "djl",
                    TrainCommand.fmt(median(fast)),
                    steps);
            r.put("backend", t.usesCsrBackend() ? "csr" : "djl");
            r.put("kernel", t.kernelName());
            if (!skipEpoch) {
                long t0 = System.nanoTime();
                ProgressBar bar = new ProgressBar("epoch");
                bar.start();
                t.trainEpoch((s, total, mean) -> bar.update(s, total, ""));
                epochSeconds = (System.nanoTime() - t0) / 1e9;
                LOG.info("one epoch ({} steps): {} s", t.stepsPerEpoch(), TrainCommand.fmt(epochSeconds));
            }
            r.put("steps_per_epoch", t.stepsPerEpoch());
        }
        long peakFast = peakRssMb();
        double baseline = Double.NaN;
        if (baselineSteps > 0) {
            LightGcnConfig base =
                    cfg.toBuilder().optBackend(LightGcnConfig.Backend.DJL).build();
            try (LightGcnTrainer t = new LightGcnTrainer(d.numUsers(), d.numItems(), d.train(), base, dev, null)) {
                baseline = median(timeSteps(t::step, d, 1, baselineSteps));
                LOG.info("djl COO baseline: median step {} s over {} steps", TrainCommand.fmt(baseline), baselineSteps);
            }
        }
        r.put("dataset", d.name());
        r.put("layers", layers);
        r.put("dim", dim);
        r.put("batch_size", batchSize);
        r.put("threads", cfg.threads());
        r.put("device", dev.toString());
        r.put("step_seconds", TrainCommand.round(median(fast)));
        r.put("step_seconds_p90", TrainCommand.round(Percentiles.of(fast, 0.9)));
        r.put("epoch_seconds", Double.isNaN(epochSeconds) ? null : TrainCommand.round(epochSeconds));
        r.put("baseline_step_seconds", Double.isNaN(baseline) ? null : TrainCommand.round(baseline));
        r.put("speedup_vs_baseline", Double.isNaN(baseline) ? null : TrainCommand.round(baseline / median(fast)));
        r.put("peak_rss_mb", peakFast);
        r.put("peak_rss_mb_with_baseline", peakRssMb());
        if (r.containsKey("model_epoch_seconds") && !Double.isNaN(epochSeconds)) {
            r.put("model_epoch_vs_lightgcn", TrainCommand.round((double) r.get("model_epoch_seconds") / epochSeconds));
        }
        r.put("command", System.getProperty("streamrec.command", "streamrec bench-speed"));
        String json =
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
        return 0;
    }

    /** One training step of either trainer. */
    @FunctionalInterface
    interface Step {
        float step(int[] users, int[] pos, int[] neg, int b);
    }

    private double[] timeSteps(Step t, InteractionData d, int warmup, int n) {
        BprSampler s = new BprSampler(d.numItems(), d.train(), LightGcnConfig.Negatives.UNIFORM, 7);
        s.startEpoch();
        int[] u = new int[batchSize];
        int[] p = new int[batchSize];
        int[] q = new int[batchSize];
        double[] times = new double[n];
        for (int k = 0; k < warmup + n; k++) {
            int b = s.next(u, p, q);
            if (b == 0) {
                s.startEpoch();
                b = s.next(u, p, q);
            }
            long t0 = System.nanoTime();
            t.step(u, p, q, b);
            if (k >= warmup) {
                times[k - warmup] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return times;
    }

    static double median(double[] v) {
        return Percentiles.of(v, 0.5);
    }

    /** Peak resident set size of this process (VmHWM), in MB; -1 where /proc is unavailable. */
    static long peakRssMb() {
        return ResidentMemory.peakKb() / 1024;
    }
}
