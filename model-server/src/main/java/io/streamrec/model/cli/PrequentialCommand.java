package io.streamrec.model.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.model.data.NpyMatrix;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.server.IncrementalModel;
import io.streamrec.model.server.ModelVersion;
import io.streamrec.serving.ItemKeys;
import io.streamrec.serving.ItemTable;
import io.streamrec.serving.RankingMetrics;
import io.streamrec.serving.ServingCore;
import io.streamrec.serving.UserState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        List<long[]> events = new ArrayList<>(); // user, item, time
        int lineNo = 0;
        for (String line : Files.readAllLines(data)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                throw new IllegalArgumentException(
                        data + ":" + lineNo + ": expected user, item, rating, time; got '" + line + "'");
            }
            try {
                events.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[3])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(data + ":" + lineNo + ": not a number: " + e.getMessage());
            }
        }
        events.sort((a, b) -> Long.compare(a[2], b[2]));
        int n = events.size();
        int start = (int) (n * warmup);
        int holdout = n - n / 10;
        Device dev = DeviceSelection.resolve("auto");
        IncrementalModel.Settings s = IncrementalModel.Settings.builder()
                .dim(dim)
                .layers(layers)
                .learningRate(lr)
                .initialEpochs(initialEpochs)
                .budget(budget.budget())
                .replayFraction(replay)
                .seed(seed)
                .device(dev)
                .build();
        IncrementalModel model = newModel(s);
        Map<String, Integer> popularity = new HashMap<>();
        Map<String, Set<String>> seen = new HashMap<>();
        for (int k = 0; k < start; k++) {
            learn(model, popularity, seen, events.get(k));
        }
        long t0 = System.nanoTime();
        ModelVersion first = model.fineTune(start);
        Scorer firstScorer = new Scorer(foldIn);
        Scorer current = new Scorer(foldIn);
        ModelVersion atHoldout = null;
        String[] names = {"incremental", "first_model", "most_popular"};
        double[][] sums = new double[3][2];
        List<Map<String, Object>> series = new ArrayList<>();
        double[][] win = new double[3][2];
        int scored = 0;
        int inWindow = 0;
        for (int k = 0; k < start; k++) { // the users' items before the first version
            long[] e = events.get(k);
            current.learn("u" + e[0], "i" + e[1]);
            firstScorer.learn("u" + e[0], "i" + e[1]);
        }
        current.accept(first);
        firstScorer.accept(first);
        ProgressBar bar = new ProgressBar("replay");
        bar.start();
        for (int k = start; k < n; k++) {
            long[] e = events.get(k);
            String u = "u" + e[0];
            String i = "i" + e[1];
            Set<String> userSeen = seen.getOrDefault(u, Set.of());
            if (!userSeen.contains(i)) { // a repeat is not a prediction
                int[] ranks = {current.rank(u, i), firstScorer.rank(u, i), popularRank(popularity, i, userSeen) + 1};
                for (int m = 0; m < 3; m++) {
                    double ndcg = RankingMetrics.ndcg(ranks[m], 10);
                    double hit = RankingMetrics.hit(ranks[m], 10);
                    sums[m][0] += ndcg;
                    sums[m][1] += hit;
                    win[m][0] += ndcg;
                    win[m][1] += hit;
                }
                scored++;
                if (++inWindow == window) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("events", k + 1);
                    p.put("time", e[2]);
                    p.put("version", current.version());
                    for (int m = 0; m < 3; m++) {
                        p.put(names[m] + "_ndcg@10", TrainCommand.round(win[m][0] / window));
                        p.put(names[m] + "_hr@10", TrainCommand.round(win[m][1] / window));
                    }
                    series.add(p);
                    win = new double[3][2];
                    inWindow = 0;
                }
            }
            if (learn(model, popularity, seen, e)) {
                current.learn(u, i);
                firstScorer.learn(u, i);
            }
            if ((k + 1 - start) % every == 0 || k + 1 == holdout) {
                ModelVersion v = model.fineTune(k + 1);
                current.accept(v);
                if (v.version() % 10 == 0) {
                    LOG.info(
                            "version {} at event {}/{} ({} s): rolling NDCG@10 so far incremental {}, first model {}, most popular {}",
                            v.version(),
                            k + 1,
                            n,
                            TrainCommand.fmt((System.nanoTime() - t0) / 1e9),
                            TrainCommand.fmt(sums[0][0] / Math.max(1, scored)),
                            TrainCommand.fmt(sums[1][0] / Math.max(1, scored)),
                            TrainCommand.fmt(sums[2][0] / Math.max(1, scored)));
                }
                if (k + 1 == holdout) {
                    atHoldout = v;
                }
            }
            bar.update(k + 1 - start, n - start, "version " + current.version());
        }
        double replaySeconds = (System.nanoTime() - t0) / 1e9;

        // incremental (as of the 90% prefix) vs a full retrain on that prefix, ranked on the last 10%
        Map<String, Set<String>> prefixSeen = new HashMap<>();
        Map<String, Set<String>> tail = new HashMap<>();
        IncrementalModel full = newModel(s);
        for (int k = 0; k < n; k++) {
            long[] e = events.get(k);
            String u = "u" + e[0];
            String i = "i" + e[1];
            if (k < holdout) {
                prefixSeen.computeIfAbsent(u, x -> new HashSet<>()).add(i);
                full.addEdge(u, i);
            } else if (!prefixSeen.getOrDefault(u, Set.of()).contains(i)) {
                tail.computeIfAbsent(u, x -> new HashSet<>()).add(i);
            }
        }
        ModelVersion retrained = full.fineTune(holdout);
        double incNdcg = offlineNdcg20(atHoldout, prefixSeen, tail);
        double fullNdcg = offlineNdcg20(retrained, prefixSeen, tail);

        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> overall = new LinkedHashMap<>();
        for (int m = 0; m < 3; m++) {
            overall.put(names[m] + "_ndcg@10", TrainCommand.round(sums[m][0] / scored));
            overall.put(names[m] + "_hr@10", TrainCommand.round(sums[m][1] / scored));
        }
        r.put("prequential_after_warmup", overall);
        r.put("scored_events", scored);
        r.put("versions", current.version());
        Map<String, Object> off = new LinkedHashMap<>();
        off.put("incremental_ndcg@20", TrainCommand.round(incNdcg));
        off.put("full_retrain_ndcg@20", TrainCommand.round(fullNdcg));
        off.put("incremental_vs_full", TrainCommand.round(incNdcg / fullNdcg));
        off.put("tail_users", tail.size());
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
        setup.put("events", n);
        setup.put("warmup_events", start);
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
        setup.put("replay_seconds", TrainCommand.round(replaySeconds));
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
                    List.of(names),
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

    private static boolean learn(
            IncrementalModel model, Map<String, Integer> popularity, Map<String, Set<String>> seen, long[] e) {
        String u = "u" + e[0];
        String i = "i" + e[1];
        if (seen.computeIfAbsent(u, x -> new HashSet<>()).add(i)) {
            model.addEdge(u, i);
            popularity.merge(i, 1, Integer::sum);
            return true;
        }
        return false;
    }

    /** 0-based rank of {@code item} by popularity among items the user has not seen (ties: half counted). */
    private static int popularRank(Map<String, Integer> popularity, String item, Set<String> seen) {
        int p = popularity.getOrDefault(item, 0);
        int better = 0;
        int ties = 0;
        for (Map.Entry<String, Integer> e : popularity.entrySet()) {
            if (seen.contains(e.getKey()) || e.getKey().equals(item)) {
                continue;
            }
            if (e.getValue() > p) {
                better++;
            } else if (e.getValue() == p) {
                ties++;
            }
        }
        return better + ties / 2;
    }

    /** NDCG@20 of a version on each tail user's held-out items, the user's prefix items excluded (the serving core's exact top-K). */
    private static double offlineNdcg20(ModelVersion v, Map<String, Set<String>> seen, Map<String, Set<String>> tail) {
        ItemTable table = table(v);
        Map<String, Integer> users = new HashMap<>();
        for (int k = 0; k < v.userIds().size(); k++) {
            users.put(v.userIds().get(k), k);
        }
        ServingCore.TopK top = new ServingCore.TopK(20);
        double sum = 0;
        for (Map.Entry<String, Set<String>> t : tail.entrySet()) {
            Set<String> relevant = t.getValue();
            Integer ur = users.get(t.getKey());
            double dcg = 0;
            if (ur != null) {
                UserState u = new UserState();
                for (String id : seen.getOrDefault(t.getKey(), Set.of())) {
                    u.added(ItemKeys.of(id), null);
                }
                ServingCore.exact(table, v.row(v.userVectors(), ur), -1, u, top);
                for (int pos = 0; pos < top.size; pos++) {
                    if (relevant.contains(table.id(top.rows[pos]))) {
                        dcg += RankingMetrics.gain(pos + 1);
                    }
                }
            }
            sum += dcg / RankingMetrics.idealDcg(Math.min(20, relevant.size()));
        }
        return sum / tail.size();
    }

    private static ItemTable table(ModelVersion v) {
        ItemTable.Builder b = ItemTable.builder(v.version()).coldUser(v.meanUserVector());
        for (int k = 0; k < v.itemIds().size(); k++) {
            b.put(v.itemIds().get(k), v.row(v.itemVectors(), k));
        }
        return b.build();
    }

    /**
     * A served version as the graph job serves it: the version's item table and, per user, the
     * serving core's user state (seen items, the user's vector, fold-in since it).
     */
    private static final class Scorer {
        private final boolean foldIn;
        private final Map<String, UserState> states = new HashMap<>();
        private ItemTable table;

        Scorer(boolean foldIn) {
            this.foldIn = foldIn;
        }

        long version() {
            return table == null ? 0 : table.version();
        }

        /** Serves version {@code v}: its items, and the vector of every user it has. */
        void accept(ModelVersion v) {
            table = table(v);
            for (int k = 0; k < v.userIds().size(); k++) {
                UserState u = states.computeIfAbsent(v.userIds().get(k), x -> new UserState());
                u.vectorArrived(v.version(), v.row(v.userVectors(), k));
                if (!foldIn) {
                    u.since = new long[0];
                    u.sinceCount = 0;
                }
            }
        }

        void learn(String user, String item) {
            UserState u = states.computeIfAbsent(user, x -> new UserState());
            u.added(ItemKeys.of(item), table);
            if (!foldIn) {
                u.sinceCount = 0;
            }
        }

        /** 1-based rank of the item among the user's unseen items (0: the version does not have it). */
        int rank(String user, String item) {
            UserState u = states.computeIfAbsent(user, x -> new UserState());
            ServingCore.Placement p = ServingCore.place(u, new ItemTable[] {table});
            return ServingCore.rank(p.table(), p.vector(), p.table().row(ItemKeys.of(item)), u);
        }
    }
}
