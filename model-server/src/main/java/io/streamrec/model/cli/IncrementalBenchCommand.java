package io.streamrec.model.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.model.data.DatasetLoader;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.eval.RankingEvaluator;
import io.streamrec.model.eval.RankingMetrics;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.server.IncrementalModel;
import io.streamrec.model.server.ModelSnapshot;
import io.streamrec.model.server.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-incremental}: how close one incremental version comes to a full retrain. The
 * training edges of a dataset are split at random into a base ({@code 1 − new-share}) and a new
 * share; the model server's {@link IncrementalModel} trains a first version on the base for
 * {@code --epochs} epochs, then makes one more version with the new edges added (its ordinary
 * fine-tuning policy and budget), and a second model is trained from scratch on all edges for the
 * same epochs. All three are ranked on the dataset's test split (full ranking, training items
 * excluded). The base state and the full retrain's result are kept under {@code --work}, so a
 * rerun (another budget, another trainer) repeats only the incremental version.
 */
@Command(
        name = "bench-incremental",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "One incremental version against a full retrain: train on (1 - new-share) of a dataset's training edges, add the rest "
                        + "as one version through the model server's fine-tuning, compare test NDCG@20/Recall@20 and time with a retrain on all edges.")
public final class IncrementalBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalBenchCommand.class);

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "A dataset directory (train.txt, test.txt), e.g. gowalla.")
    Path data;

    @Option(
            names = "--new-share",
            defaultValue = "0.01",
            description = "Share of the training edges that arrive as the new version (default: ${DEFAULT-VALUE}).")
    double newShare;

    @Option(
            names = "--epochs",
            defaultValue = "30",
            description = "Epochs of the base version and of the full retrain (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--dim", defaultValue = Defaults.DIM, description = "d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--layers", defaultValue = Defaults.LAYERS, description = "K (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(
            names = "--lr",
            defaultValue = Defaults.LEARNING_RATE,
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--lambda",
            defaultValue = Defaults.LAMBDA,
            description = "L2 weight on the batch's layer-0 rows (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(
            names = "--batch-size",
            defaultValue = Defaults.BATCH_SIZE,
            description = "BPR triples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    BudgetOptions budget = new BudgetOptions();

    @Option(
            names = "--replay-fraction",
            defaultValue = Defaults.REPLAY_FRACTION,
            description =
                    "Share of a fine-tuning batch's positives drawn from all edges rather than the new ones (default: ${DEFAULT-VALUE}).")
    double replay;

    @Option(
            names = "--seed",
            defaultValue = "2021",
            description = "Seed of the split and of training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--work",
            defaultValue = "bench/work/incremental",
            paramLabel = "DIR",
            description =
                    "Keeps the base state and the full retrain's result; delete it to train them again (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--out", paramLabel = "FILE", description = "Results JSON.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!(newShare > 0 && newShare < 1)) {
            throw new IllegalArgumentException("--new-share must be in (0, 1), got " + newShare);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        InteractionData dataset = DatasetLoader.load(data);
        long[] edges = trainEdges(dataset);
        shuffle(edges, new SplittableRandom(seed));
        int fresh = (int) Math.round(edges.length * newShare);
        int base = edges.length - fresh;
        LOG.info(
                "{}: {} training edges, base {} + new {} ({}), {} epochs, d={}, K={}",
                dataset.name(),
                edges.length,
                base,
                fresh,
                newShare,
                epochs,
                dim,
                layers);
        Device dev = DeviceSelection.resolve("auto");
        IncrementalModel.Settings settings = IncrementalModel.Settings.builder()
                .dim(dim)
                .layers(layers)
                .learningRate(lr)
                .batchSize(batchSize)
                .lambda(lambda)
                .initialEpochs(epochs)
                .budget(budget.budget())
                .replayFraction(replay)
                .seed(seed)
                .device(dev)
                .build();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.createDirectories(work);
        String key = dataset.name() + "-share" + newShare + "-e" + epochs + "-d" + dim + "-k" + layers + "-b"
                + batchSize + "-lr" + lr + "-s" + seed;

        // Full retrain on every edge.
        Path fullFile = work.resolve("full-" + key + ".json");
        Map<String, Object> full;
        if (Files.exists(fullFile)) {
            full = json.readValue(fullFile.toFile(), LinkedHashMap.class);
            LOG.info("full retrain: kept from {} (delete it to train again)", fullFile);
        } else {
            IncrementalModel model = new IncrementalModel(settings);
            add(model, edges, 0, edges.length);
            long t0 = System.nanoTime();
            ModelVersion v = model.fineTune(1);
            full = summary(v, evaluate(v, dataset), (System.nanoTime() - t0) / 1e9);
            json.writeValue(fullFile.toFile(), full);
            LOG.info("full retrain: {}", full);
        }

        // Base version on the first share, kept as a model server snapshot.
        Path baseDir = work.resolve("base-" + key);
        Path baseFile = work.resolve("base-" + key + ".json");
        Map<String, Object> baseResult;
        if (Files.exists(baseDir.resolve("state.bin")) && Files.exists(baseFile)) {
            baseResult = json.readValue(baseFile.toFile(), LinkedHashMap.class);
            LOG.info("base version: kept from {} (delete it to train again)", baseDir);
        } else {
            IncrementalModel model = new IncrementalModel(settings);
            add(model, edges, 0, base);
            long t0 = System.nanoTime();
            ModelVersion v = model.fineTune(1);
            baseResult = summary(v, evaluate(v, dataset), (System.nanoTime() - t0) / 1e9);
            model.save(baseDir);
            json.writeValue(baseFile.toFile(), baseResult);
            LOG.info("base version: {}", baseResult);
        }

        // One incremental version: the new share added to the base state.
        IncrementalModel model = ModelSnapshot.load(baseDir, settings);
        add(model, edges, base, edges.length);
        long t0 = System.nanoTime();
        ModelVersion v = model.fineTune(2);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> inc = summary(v, evaluate(v, dataset), seconds);
        LOG.info("incremental version: {}", inc);

        double ndcgFull = ((Number) ((Map<?, ?>) full.get("metrics")).get("ndcg@20")).doubleValue();
        double ndcgInc = ((Number) ((Map<?, ?>) inc.get("metrics")).get("ndcg@20")).doubleValue();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dataset", dataset.name());
        r.put("command", System.getProperty("streamrec.command", "streamrec bench-incremental"));
        r.put("training_edges", edges.length);
        r.put("base_edges", base);
        r.put("new_edges", fresh);
        r.put("epochs", epochs);
        r.put(
                "config",
                Map.of(
                        "dim",
                        dim,
                        "layers",
                        layers,
                        "lr",
                        lr,
                        "lambda",
                        lambda,
                        "batch_size",
                        batchSize,
                        "replay_fraction",
                        replay,
                        "budget",
                        settings.budget().toString(),
                        "seed",
                        seed));
        r.put("threads", Runtime.getRuntime().availableProcessors());
        r.put("full_retrain", full);
        r.put("base", baseResult);
        r.put("incremental", inc);
        r.put("fine_tune_seconds", round(seconds));
        r.put("ndcg20_incremental_over_full", round(ndcgInc / ndcgFull));
        r.put("goal_fine_tune_seconds_at_most_10", seconds <= 10);
        r.put("goal_ndcg20_within_1pct_of_full", ndcgInc >= 0.99 * ndcgFull);
        String text = json.writeValueAsString(r);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, text);
        }
        System.out.println(text);
        return 0;
    }

    private static long[] trainEdges(InteractionData d) {
        long[] e = new long[Math.toIntExact(d.trainInteractions())];
        int n = 0;
        int[][] train = d.train();
        for (int u = 0; u < train.length; u++) {
            for (int i : train[u]) {
                e[n++] = (long) u << 32 | i;
            }
        }
        return e;
    }

    private static void shuffle(long[] a, SplittableRandom rng) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            long t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    private static void add(IncrementalModel model, long[] edges, int from, int to) {
        for (int k = from; k < to; k++) {
            model.addEdge(Long.toString(edges[k] >>> 32), Integer.toString((int) edges[k]));
        }
    }

    /** The version's vectors laid out under the dataset's ids (a node the version lacks stays at zero), ranked on the test split. */
    private RankingMetrics evaluate(ModelVersion v, InteractionData d) {
        int nu = d.numUsers();
        float[] table = new float[(nu + d.numItems()) * dim];
        place(v.userIds(), v.userVectors(), table, 0);
        place(v.itemIds(), v.itemVectors(), table, nu);
        return RankingEvaluator.evaluate(table, dim, d, new int[] {10, 20}, DeviceSelection.resolve("auto"));
    }

    private void place(List<String> ids, float[] vectors, float[] table, int offset) {
        for (int k = 0; k < ids.size(); k++) {
            System.arraycopy(vectors, k * dim, table, (offset + Integer.parseInt(ids.get(k))) * dim, dim);
        }
    }

    private static Map<String, Object> summary(ModelVersion v, RankingMetrics m, double seconds) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "metrics",
                Map.of("ndcg@20", round(m.ndcg(20)), "recall@20", round(m.recall(20)), "ndcg@10", round(m.ndcg(10))));
        r.put("seconds", round(seconds));
        Map<String, Object> keep = new LinkedHashMap<>();
        for (String k : List.of(
                "steps",
                "steps_wanted",
                "subgraph_steps",
                "new_edges",
                "loss",
                "loss_new",
                "loss_replay",
                "stopped_by_time",
                "adam_steps",
                "seconds")) {
            if (v.metrics().containsKey(k)) {
                keep.put(k, v.metrics().get(k));
            }
        }
        r.put("version", keep);
        return r;
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
