package io.streamrec.model.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;
import io.streamrec.model.lightgcn.BprSampler;
import io.streamrec.model.lightgcn.LightGcnConfig;
import io.streamrec.model.lightgcn.LightGcnTrainer;
import io.streamrec.model.lightgcn.ResidentMemory;
import io.streamrec.model.server.IncrementalModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-steps}: the cost of one fine-tuning step on a large graph, full-graph propagation
 * against propagation over the batch's K-hop neighbourhood, on generated graphs of the given
 * sizes (the model server's step: CSR backend, carried Adam state), with heap and resident memory.
 * What it measures sets the crossover that chooses between the two (IncrementalModel).
 */
@Command(
        name = "bench-steps",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Fine-tuning step cost at graph sizes: full-graph propagation vs the batch's K-hop neighbourhood, and memory.")
public final class StepBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StepBenchCommand.class);

    @Option(
            names = "--sizes",
            defaultValue = "50000x200000x10",
            split = ",",
            paramLabel = "ITEMSxUSERSxPER_USER",
            description =
                    "Generated graphs: items x users x interactions per user (70%% of them are training edges) (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(
            names = "--layers",
            defaultValue = Defaults.FINE_TUNE_LAYERS,
            description = "K (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dim", defaultValue = Defaults.DIM, description = "d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--batch-size",
            defaultValue = Defaults.FINE_TUNE_BATCH_SIZE,
            description = "Triples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--steps",
            defaultValue = "20",
            description = "Timed steps of each kind, after 3 untimed (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--fanout",
            defaultValue = "" + IncrementalModel.Budget.DEFAULT_FANOUT,
            description = "Sampled neighbours per node and hop of the sampled kind (default: ${DEFAULT-VALUE}).")
    int fanout;

    @Option(names = "--out", paramLabel = "FILE", description = "Results JSON.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String size : sizes) {
            String[] f = size.toLowerCase().split("x");
            if (f.length != 3) {
                throw new IllegalArgumentException("--sizes: expected ITEMSxUSERSxPER_USER, got '" + size + "'");
            }
            int items = Integer.parseInt(f[0]);
            int users = Integer.parseInt(f[1]);
            int perUser = Integer.parseInt(f[2]);
            LOG.info("generating {} items x {} users x {} per user", items, users, perUser);
            InteractionData data = SyntheticInteractions.generate(users, items, 50, perUser, 7);
            results.add(measure(data));
            System.gc();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", System.getProperty("streamrec.command", "streamrec bench-steps"));
        r.put("layers", layers);
        r.put("dim", dim);
        r.put("batch_size", batchSize);
        r.put("threads", Runtime.getRuntime().availableProcessors());
        r.put("sizes", results);
        String text =
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, text);
        }
        System.out.println(text);
        return 0;
    }

    private Map<String, Object> measure(InteractionData data) {
        int nodes = data.numUsers() + data.numItems();
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(layers)
                .setDim(dim)
                .optBatchSize(batchSize)
                .optLearningRate(1e-3)
                .optSeed(3)
                .optBackend(LightGcnConfig.Backend.CSR)
                .build();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("items", data.numItems());
        r.put("users", data.numUsers());
        r.put("edges", data.trainInteractions());
        try (LightGcnTrainer t =
                new LightGcnTrainer(data.numUsers(), data.numItems(), data.train(), cfg, Device.cpu(), null)) {
            t.useAdamState(new LightGcnTrainer.AdamState(new float[nodes * dim], new float[nodes * dim], 0));
            BprSampler sampler = new BprSampler(data.numItems(), data.train(), cfg.negatives(), 5);
            sampler.startEpoch();
            int[] u = new int[batchSize];
            int[] p = new int[batchSize];
            int[] q = new int[batchSize];
            // subgraph steps first: they allocate per neighbourhood, so the heap after them shows what the model server
            // holds without full steps
            t.useSubgraphSteps(Double.MAX_VALUE, fanout);
            double[] sampled = time(t, sampler, u, p, q);
            double sampledWork = lastWorkMean;
            t.useSubgraphSteps(Double.MAX_VALUE, 0);
            double[] sub = time(t, sampler, u, p, q);
            double subWork = lastWorkMean;
            r.put("subgraph_steps_taken", t.subgraphSteps());
            Runtime rt = Runtime.getRuntime();
            System.gc();
            r.put("heap_mb_subgraph_steps", (rt.totalMemory() - rt.freeMemory()) >> 20);
            r.put("rss_mb_subgraph_steps", ResidentMemory.currentKb() >> 10);
            t.useSubgraphSteps(0, 0);
            double[] full = time(t, sampler, u, p, q);
            System.gc();
            r.put("heap_mb_full_steps", (rt.totalMemory() - rt.freeMemory()) >> 20);
            r.put("rss_mb_full_steps", ResidentMemory.currentKb() >> 10);
            r.put("peak_rss_mb", ResidentMemory.peakKb() >> 10);
            r.put("full_step_ms_median", round(median(full)));
            r.put("subgraph_step_ms_median", round(median(sub)));
            r.put("full_step_work", t.fullStepWork());
            r.put("subgraph_step_work_mean", round(subWork));
            r.put("work_ratio", round(subWork / t.fullStepWork()));
            r.put("time_ratio", round(median(sub) / median(full)));
            r.put("fanout", fanout);
            r.put("sampled_step_ms_median", round(median(sampled)));
            r.put("sampled_step_work_mean", round(sampledWork));
            r.put("sampled_work_ratio", round(sampledWork / t.fullStepWork()));
            r.put("sampled_time_ratio", round(median(sampled) / median(full)));
        }
        LOG.info("{}", r);
        return r;
    }

    private double lastWorkMean;

    private double[] time(LightGcnTrainer t, BprSampler sampler, int[] u, int[] p, int[] q) {
        double[] ms = new double[steps];
        double work = 0;
        for (int s = -3; s < steps; s++) {
            int n = sampler.next(u, p, q);
            if (n == 0) {
                sampler.startEpoch();
                n = sampler.next(u, p, q);
            }
            long t0 = System.nanoTime();
            t.step(u, p, q, n);
            if (s >= 0) {
                ms[s] = (System.nanoTime() - t0) / 1e6;
                work += t.lastSubgraphWork();
            }
        }
        lastWorkMean = work / steps;
        return ms;
    }

    private static double median(double[] a) {
        return SpeedBenchCommand.median(a); // the one percentile rule of the model server's benchmarks
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
