package io.streamrec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.model.data.NpyMatrix;
import io.streamrec.model.eval.PrequentialReplay;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.server.IncrementalModel;
import io.streamrec.serving.ServingCore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-prequential}: replays a timestamped interaction file in time order through the
 * model server's incremental model (the same {@link IncrementalModel} the service runs), scoring
 * every event against the version served at that moment BEFORE it is learned (test-then-train),
 * for (a) incremental fine-tuning at every trigger, (b) the first version never refreshed and
 * (c) most-popular; then compares the incremental model with a full retrain on the same prefix.
 * Scoring is the serving core's ({@link ServingCore}): the same placement of users (fold-in,
 * unknown users, the centroid for users without items), the same exact rank among unseen items and
 * the same NDCG/HR as the graph job's serving, so this offline figure measures what serving does.
 */
@Command(
        name = "bench-prequential",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Prequential replay of a timestamped dataset (ML-100K u.data: user, item, rating, time) through the incremental model: "
                        + "rolling NDCG@10/HR@10 for incremental fine-tuning, a never-refreshed first model and most-popular; then incremental vs full "
                        + "retrain on the last 10%% of events.")
public final class PrequentialCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PrequentialCommand.class);

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE",
            description = "Tab-separated user, item, rating, unix time (ML-100K u.data).")
    Path data;

    @Option(
            names = "--warmup",
            defaultValue = "0.2",
            description = "Share of events before the first version (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(
            names = "--trigger-every",
            defaultValue = "1000",
            description = "Events between versions (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(
            names = "--window",
            defaultValue = "5000",
            description = "Rolling window, in scored events, of the reported series (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--dim", defaultValue = Defaults.DIM, description = "d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--layers",
            defaultValue = Defaults.FINE_TUNE_LAYERS,
            description = "K (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(
            names = "--initial-epochs",
            defaultValue = "100",
            description = "Epochs of the first version and of the full retrain (default: ${DEFAULT-VALUE}).")
    int initialEpochs;

    @Mixin
    BudgetOptions budget = new BudgetOptions();

    @Option(
            names = "--replay-fraction",
            defaultValue = Defaults.REPLAY_FRACTION,
            description =
                    "Share of a fine-tuning batch's positives drawn from all edges rather than the version's new ones (default: ${DEFAULT-VALUE}).")
    double replay;

    @Option(
            names = "--lr",
            defaultValue = Defaults.FINE_TUNE_LEARNING_RATE,
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = Defaults.SEED, description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--fold-in",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description =
                    "Fold a known user's interactions since the served version into its vector, as serving does (default: ${DEFAULT-VALUE}).")
    boolean foldIn;

    @Option(
            names = "--model",
            defaultValue = "lightgcn",
            description =
                    "The incremental model: lightgcn, mmgef or rednd (these need --modality) (default: ${DEFAULT-VALUE}).")
    String served;

    @Mixin
    GraphFusionOptions graph = new GraphFusionOptions();

    @Option(
            names = "--modality",
            paramLabel = "NAME=FILE",
            description =
                    "Item content known from the start: a .npy matrix whose row r is the item with id r + 1 (ML-100K's movie ids; "
                            + "bench/ml100k-graph-data.py writes such files). Repeatable. With lightgcn, items without edges are placed by the ridge map.")
    Map<String, Path> modalities = new LinkedHashMap<>();

    @Option(
            names = "--plot",
            paramLabel = "FILE.png",
            description = "Also draw the rolling NDCG@10 and HR@10 series as a PNG.")
    Path plot;

    @Option(names = "--out", paramLabel = "FILE", description = "Results JSON.")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<long[]> events = PrequentialReplay.readEvents(data);
        IncrementalModel.Settings s = IncrementalModel.Settings.builder()
                .dim(dim)
                .layers(layers)
                .learningRate(lr)
                .initialEpochs(initialEpochs)
                .budget(budget.budget())
                .replayFraction(replay)
                .seed(seed)
                .device(DeviceSelection.resolve("auto"))
                .build();
        ProgressBar bar = new ProgressBar("replay");
        bar.start();
        PrequentialReplay.Result res = PrequentialReplay.run(
                events,
                new PrequentialReplay.Options(warmup, every, window, foldIn),
                () -> newModel(s),
                (done, total, version) -> bar.update(done, total, "version " + version));
        List<String> names = PrequentialReplay.SCORERS;
        List<Map<String, Object>> series =
                res.series().stream().map(ResultsFile::rounded).toList();
        Map<String, Object> overall = ResultsFile.rounded(res.overall());
        double incNdcg = res.incrementalNdcg20();
        double fullNdcg = res.fullRetrainNdcg20();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("prequential_after_warmup", overall);
        r.put("scored_events", res.scored());
        r.put("versions", res.versions());
        Map<String, Object> off = new LinkedHashMap<>();
        off.put("incremental_ndcg@20", TrainCommand.round(incNdcg));
        off.put("full_retrain_ndcg@20", TrainCommand.round(fullNdcg));
        off.put("incremental_vs_full", TrainCommand.round(incNdcg / fullNdcg));
        off.put("tail_users", res.tailUsers());
        r.put("last_10_percent", off);
        r.put("series", series);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("data", data.toString());
        setup.put("model", served);
        if (!modalities.isEmpty()) {
            Map<String, String> files = new LinkedHashMap<>();
            modalities.forEach((k, v) -> files.put(k, v.toString()));
            setup.put("modalities", files);
        }
        setup.put("events", res.events());
        setup.put("warmup_events", res.warmupEvents());
        setup.put("trigger_every", every);
        setup.put("window", window);
        setup.put("dim", dim);
        setup.put("layers", layers);
        setup.put("initial_epochs", initialEpochs);
        setup.put("min_steps", budget.minSteps);
        setup.put("passes_over_new", budget.passes);
        setup.put("max_steps", budget.maxSteps);
        setup.put("version_seconds", budget.seconds);
        setup.put("lr", lr);
        setup.put("replay_fraction", replay);
        setup.put("fold_in", foldIn);
        setup.put("replay_seconds", TrainCommand.round(res.replaySeconds()));
        setup.put(
                "protocol",
                "the serving core's (ServingCore, as the graph job serves): each event is ranked among the items its user "
                        + "has not interacted with, by the version served at that moment, before it is learned; repeats are not scored; a user the "
                        + "version does not know is the mean of its items' vectors, with none of those the version's mean user vector; a known user's items since "
                        + "the version are folded into its vector (FoldIn, when fold_in); an item the version does not know is a miss");
        setup.put("command", System.getProperty("streamrec.command", "streamrec bench-prequential"));
        r.put("setup", setup);
        LOG.info(
                "Prequential NDCG@10 after warm-up: incremental {}, first model {}, most popular {}; last 10%: incremental NDCG@20 {} vs full "
                        + "retrain {}",
                overall.get("incremental_ndcg@10"),
                overall.get("first_model_ndcg@10"),
                overall.get("most_popular_ndcg@10"),
                TrainCommand.fmt(incNdcg),
                TrainCommand.fmt(fullNdcg));
        String json =
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
        if (plot != null) {
            SeriesPlot.write(
                    plot,
                    "ML-100K prequential (test-then-train), rolling window of " + window + " scored events",
                    series,
                    "events",
                    "events replayed (time order)",
                    names,
                    List.of("ndcg@10", "hr@10"));
            LOG.info("Plot: {}", plot);
        }
        return 0;
    }

    /** Learns one event; true when it added an edge. */
    /** An incremental model serving --model, with the --modality content set. */
    private IncrementalModel newModel(IncrementalModel.Settings s) throws IOException {
        IncrementalModel m = new IncrementalModel(s);
        if (!served.equalsIgnoreCase("lightgcn")) {
            if (modalities.isEmpty()) {
                throw new IllegalArgumentException(
                        "--model " + served + " needs at least one --modality NAME=FILE.npy");
            }
            m.useGraphFusion(graph.config(GraphFusionConfig.Kind.parse(served)));
        }
        for (Map.Entry<String, Path> e : modalities.entrySet()) {
            NpyMatrix x = NpyMatrix.read(e.getValue());
            for (int r = 0; r < x.rows(); r++) {
                float[] v = x.row(r);
                boolean zero = true;
                for (float f : v) {
                    zero &= f == 0f;
                }
                if (!zero) { // an all-zero row: the item lacks this modality
                    m.setContent("i" + (r + 1), e.getKey(), v);
                }
            }
        }
        return m;
    }
}
