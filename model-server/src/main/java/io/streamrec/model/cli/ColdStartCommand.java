package io.streamrec.model.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.model.data.DatasetLoader;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.eval.RankingEvaluator;
import io.streamrec.model.eval.RankingMetrics;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.graphfusion.GraphFusionTrainer;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.lightgcn.LightGcnConfig;
import io.streamrec.model.lightgcn.LightGcnTrainer;
import io.streamrec.model.multimodal.LateFusion;
import io.streamrec.model.multimodal.ModalityVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cold-start}: hides every training and validation interaction of a seeded random share
 * of the items, trains LightGCN and a fused model on the rest, and ranks only those cold items
 * for the users who have them in test.
 */
@Command(
        name = "cold-start",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Cold-start study: removes all train/validation interactions of a random share of items (seeded), "
                        + "trains LightGCN and a late-fusion model, ranks only the cold items for users who have them in test, "
                        + "and compares with random ranking.")
public final class ColdStartCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ColdStartCommand.class);

    @Option(
            names = "--data",
            required = true,
            paramLabel = "PATH",
            description = "Dataset (directory or MMRec .inter).")
    Path data;

    @Option(
            names = "--modality",
            required = true,
            paramLabel = "NAME=FILE",
            description = "Modality vectors (.npy, row r = item r), repeatable.")
    Map<String, Path> modalities = new LinkedHashMap<>();

    @Option(
            names = "--model",
            defaultValue = "lf",
            description =
                    "The model compared with LightGCN: lf (late fusion, --fusion picks the variant), mmgef or rednd (cold items placed "
                            + "through their content neighbours in the item-item graph) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--fusion",
            defaultValue = "frozen",
            description = "lf: fusion variant, one of train's (default: ${DEFAULT-VALUE}).")
    String fusion;

    @CommandLine.Mixin
    GraphFusionOptions graph = new GraphFusionOptions();

    @Option(
            names = "--lr",
            defaultValue = Defaults.LEARNING_RATE,
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--cold-map",
            defaultValue = "none",
            description =
                    "What the reported fused model uses for the cold items: none (the fusion's content alone) or ridge (a ridge map from "
                            + "content to trained item embeddings); both are always measured (default: ${DEFAULT-VALUE}).")
    String coldMap;

    @Option(
            names = "--alpha-init",
            defaultValue = Defaults.ALPHA_INIT,
            description = "Initial α of the alpha and convex variants (default: ${DEFAULT-VALUE}).")
    double alphaInit;

    @Option(
            names = "--fraction",
            defaultValue = "0.2",
            description = "Share of items made cold (default: ${DEFAULT-VALUE}).")
    double fraction;

    @Option(
            names = "--split-seed",
            defaultValue = "42",
            description = "Seed of the cold-item draw (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--layers", defaultValue = "2", description = "K (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dim", defaultValue = Defaults.DIM, description = "d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--epochs", defaultValue = "300", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = Defaults.SEED, description = "Training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Results JSON (random, lightgcn, fusion).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (fraction <= 0 || fraction >= 1 || epochs < 1) {
            throw new IllegalArgumentException("--fraction must lie in (0, 1) and --epochs be >= 1");
        }
        InteractionData d = DatasetLoader.load(data);
        int items = d.numItems();
        boolean[] cold = new boolean[items];
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            all.add(i);
        }
        Collections.shuffle(all, new Random(splitSeed));
        int nCold = (int) Math.round(items * fraction);
        for (int k = 0; k < nCold; k++) {
            cold[all.get(k)] = true;
        }
        int[][] train = drop(d.train(), cold, true);
        int[][] validation = drop(d.validation(), cold, true);
        int[][] coldTest = drop(d.test(), cold, false);
        int[] warmItems = IntStream.range(0, items).filter(i -> !cold[i]).toArray();
        int[][] allWarm = new int[d.numUsers()][];
        Arrays.fill(allWarm, warmItems);
        // training data: the cold items have no edge; evaluation: only cold items are candidates (all warm ones "seen")
        InteractionData trainData =
                new InteractionData(d.name() + "-cold", d.numUsers(), items, train, validation, coldTest);
        InteractionData coldEval =
                new InteractionData(d.name() + "-cold-eval", d.numUsers(), items, train, allWarm, coldTest);
        long users = Arrays.stream(coldTest).filter(t -> t.length > 0).count();
        LOG.info(
                "{} of {} items made cold; {} users have cold items in test ({} interactions)",
                nCold,
                items,
                users,
                Arrays.stream(coldTest).mapToLong(t -> t.length).sum());

        List<ModalityVectors> loaded = new ArrayList<>();
        for (Map.Entry<String, Path> m : modalities.entrySet()) {
            loaded.add(ModalityVectors.fromNpy(m.getKey(), m.getValue(), items));
        }
        Device dev = DeviceSelection.resolve("auto");
        int[] ks = RankingMetrics.DEFAULT_KS;
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(layers)
                .setDim(dim)
                .optSeed(seed)
                .optLearningRate(lr)
                .build();
        GraphFusionConfig gfc = switch (model.toLowerCase(Locale.ROOT)) {
            case "lf" -> null;
            case "mmgef", "rednd" -> graph.config(GraphFusionConfig.Kind.parse(model));
            default -> throw new IllegalArgumentException("--model must be lf, mmgef or rednd, got '" + model + "'");
        };

        float[] random = LightGcnTrainer.xavierUniform(d.numUsers() + items, dim, seed + 1);
        RankingMetrics randomMetrics = RankingEvaluator.evaluate(random, dim, coldEval, ks, dev);
        boolean ridge = ColdMaps.parse(coldMap);
        LateFusion f = gfc != null ? null : new LateFusion(LateFusion.parse(fusion), loaded, dim, seed);
        if (f != null) {
            f.setAlphaInit(alphaInit);
        }
        String label = gfc != null ? gfc.kind().wireName() : fusion;
        Map<String, Object> lightgcnMap = new LinkedHashMap<>();
        RankingMetrics[] lightgcn = trainAndRank(trainData, coldEval, cfg, dev, null, loaded, ks, lightgcnMap);
        Map<String, Object> fusionMap = new LinkedHashMap<>();
        Map<String, Object> learned = new LinkedHashMap<>();
        RankingMetrics[] fusedBoth = gfc != null
                ? trainGraphAndRank(trainData, coldEval, cfg, gfc, dev, loaded, ks, fusionMap, learned)
                : trainAndRank(trainData, coldEval, cfg, dev, f, loaded, ks, fusionMap);
        RankingMetrics fused = fusedBoth[ridge ? 1 : 0];
        LOG.info(
                "cold NDCG@20: random {}, LightGCN {} (with ridge map {}), {} fusion {} (with ridge map {})",
                TrainCommand.fmt(randomMetrics.ndcg(20)),
                TrainCommand.fmt(lightgcn[0].ndcg(20)),
                TrainCommand.fmt(lightgcn[1].ndcg(20)),
                label,
                TrainCommand.fmt(fusedBoth[0].ndcg(20)),
                TrainCommand.fmt(fusedBoth[1].ndcg(20)));

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("random", metrics(randomMetrics));
        r.put("lightgcn", metrics(lightgcn[0]));
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("model", gfc != null ? gfc.kind().wireName() : "lf");
        if (f != null) {
            fm.put("variant", f.describe().get("variant"));
            fm.put("cold_items", ridge ? "ridge map" : "content alone");
            fm.put("modalities", f.describe().get("modalities"));
            if (f.learnsAlpha()) {
                fm.put("alpha_learned", TrainCommand.round(f.alpha()));
            }
        } else {
            fm.put("cold_items", ridge ? "ridge map" : "content neighbours in the item-item graph");
            fm.put("learned", learned);
        }
        fm.putAll(metrics(fused));
        r.put("fusion", fm);
        r.put("fusion_vs_lightgcn_ndcg@20", TrainCommand.round(fused.ndcg(20) / Math.max(lightgcn[0].ndcg(20), 1e-12)));
        Map<String, Object> ablations = new LinkedHashMap<>();
        Map<String, Object> lr = new LinkedHashMap<>(metrics(lightgcn[1]));
        lr.put("cold_map", lightgcnMap);
        ablations.put("lightgcn+ridge", lr);
        ablations.put(label + (gfc != null ? "+neighbours" : "+content"), metrics(fusedBoth[0]));
        Map<String, Object> fr = new LinkedHashMap<>(metrics(fusedBoth[1]));
        fr.put("cold_map", fusionMap);
        ablations.put(label + "+ridge", fr);
        r.put("ablations", ablations);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("dataset", d.name());
        setup.put("cold_items", nCold);
        setup.put("fraction", fraction);
        setup.put("split_seed", splitSeed);
        setup.put("users_evaluated", users);
        setup.put("layers", layers);
        setup.put("dim", dim);
        setup.put("epochs", epochs);
        setup.put("lr", lr);
        setup.put(
                "protocol",
                "cold items lose all train+validation interactions; only cold items are ranked, for users with cold items in test");
        setup.put("command", System.getProperty("streamrec.command", "streamrec cold-start"));
        r.put("setup", setup);
        String json =
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
        return 0;
    }

    /** Trains, then ranks the cold items twice: as the model embeds them, and through a ridge content map (described into {@code map}). */
    private RankingMetrics[] trainAndRank(
            InteractionData trainData,
            InteractionData eval,
            LightGcnConfig cfg,
            Device dev,
            LateFusion f,
            List<ModalityVectors> modalities,
            int[] ks,
            Map<String, Object> map) {
        try (LightGcnTrainer t =
                new LightGcnTrainer(trainData.numUsers(), trainData.numItems(), trainData.train(), cfg, dev, null)) {
            if (f != null) {
                t.useFusion(f);
            }
            ProgressBar bar = new ProgressBar(f == null ? "lightgcn" : "fusion");
            bar.start();
            for (int e = 1; e <= epochs; e++) {
                t.trainEpoch(null);
                bar.update(e, epochs, "");
            }
            float[] fin = t.finalEmbeddings();
            RankingMetrics plain = RankingEvaluator.evaluate(fin, cfg.dim(), eval, ks, dev);
            map.putAll(ColdMaps.apply(modalities, fin, trainData, cfg.dim(), seed));
            return new RankingMetrics[] {plain, RankingEvaluator.evaluate(fin, cfg.dim(), eval, ks, dev)};
        }
    }

    /** {@link #trainAndRank} for MM-GEF or RedND: the cold items keep no edge, only their content neighbours. */
    private RankingMetrics[] trainGraphAndRank(
            InteractionData trainData,
            InteractionData eval,
            LightGcnConfig cfg,
            GraphFusionConfig gfc,
            Device dev,
            List<ModalityVectors> modalities,
            int[] ks,
            Map<String, Object> map,
            Map<String, Object> learned) {
        try (GraphFusionTrainer t = new GraphFusionTrainer(
                trainData.numUsers(), trainData.numItems(), trainData.train(), modalities, cfg, gfc, dev, null)) {
            ProgressBar bar = new ProgressBar(gfc.kind().wireName());
            bar.start();
            for (int e = 1; e <= epochs; e++) {
                t.trainEpoch(null);
                bar.update(e, epochs, "");
            }
            float[] fin = t.finalEmbeddings();
            learned.putAll(t.describe());
            RankingMetrics plain = RankingEvaluator.evaluate(fin, t.embeddingDim(), eval, ks, dev);
            map.putAll(ColdMaps.apply(modalities, fin, trainData, t.embeddingDim(), seed));
            return new RankingMetrics[] {plain, RankingEvaluator.evaluate(fin, t.embeddingDim(), eval, ks, dev)};
        }
    }

    private static Map<String, Object> metrics(RankingMetrics m) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("recall@20", TrainCommand.round(m.recall(20)));
        r.put("ndcg@20", TrainCommand.round(m.ndcg(20)));
        r.put("recall@10", TrainCommand.round(m.recall(10)));
        r.put("ndcg@10", TrainCommand.round(m.ndcg(10)));
        return r;
    }

    /** Per user, the items that are (keepCold=false: only cold) / (keepCold=true: not cold). */
    private static int[][] drop(int[][] lists, boolean[] cold, boolean dropCold) {
        int[][] out = new int[lists.length][];
        for (int u = 0; u < lists.length; u++) {
            out[u] = Arrays.stream(lists[u]).filter(i -> cold[i] != dropCold).toArray();
        }
        return out;
    }
}
