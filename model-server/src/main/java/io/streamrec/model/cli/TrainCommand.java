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
import io.streamrec.model.store.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: LightGCN on an offline dataset, with per-epoch metrics and a saved model. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains LightGCN (BPR, Adam) on an offline dataset and saves the model.",
            "Per-epoch metrics go to OUT/train.log in the layout of the study's reference logs;",
            "final test (and validation) metrics to OUT/metrics.json; the model to OUT/model.json + *.f32."
        })
public final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Dataset: a directory with train.txt [validation.txt] test.txt, or an MMRec .inter file.")
    Path data;

    @Option(
            names = "--out",
            defaultValue = "runs/train",
            paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--layers",
            defaultValue = Defaults.LAYERS,
            description = "Propagation layers K; 0 is BPR-MF (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(
            names = "--dim",
            defaultValue = Defaults.DIM,
            description = "Embedding dimension d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--epochs",
            defaultValue = "100",
            description = "Epochs, one pass over all training edges each (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--lr",
            defaultValue = Defaults.LEARNING_RATE,
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--batch-size",
            defaultValue = Defaults.BATCH_SIZE,
            description = "BPR triples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--lambda",
            defaultValue = Defaults.LAMBDA,
            description = "L2 weight on the batch's layer-0 rows (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(
            names = "--seed",
            defaultValue = Defaults.SEED,
            description = "Seed for init, shuffling and negatives (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--edge-dropout",
            defaultValue = "0",
            paramLabel = "P",
            description =
                    "Leave a random fraction P of training edges out of propagation, redrawn each epoch; 0 = off (default: ${DEFAULT-VALUE}).")
    double edgeDropout;

    @Option(
            names = "--negatives",
            defaultValue = "uniform",
            description = "uniform (all items, as the study) or unseen (default: ${DEFAULT-VALUE}).")
    String negatives;

    @Option(
            names = "--eval-every",
            defaultValue = "10",
            description = "Evaluate every N epochs; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(
            names = "--eval-split",
            defaultValue = "test",
            description =
                    "Split ranked in the per-epoch log: test (as the study's logs) or validation (for model selection) (default: ${DEFAULT-VALUE}).")
    String evalSplit;

    @Option(
            names = "--patience",
            defaultValue = "0",
            description =
                    "Stop after N evaluations without a better NDCG@20 on --eval-split and keep the best epoch; 0 = off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(
            names = "--time-budget",
            defaultValue = "0",
            paramLabel = "MINUTES",
            description =
                    "Stop after the epoch that exhausts this many minutes of training, then evaluate and save; 0 = no limit (default: ${DEFAULT-VALUE}).")
    double timeBudgetMinutes;

    @Option(
            names = "--device",
            defaultValue = Defaults.DEVICE,
            description = "auto (CUDA when present), cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(
            names = "--backend",
            defaultValue = Defaults.BACKEND,
            description =
                    "csr (fast multi-threaded CPU kernel), djl (PyTorch sparse autograd; GPU) or auto (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--threads",
            defaultValue = Defaults.THREADS,
            description = "CPU threads for propagation; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--init-from",
            paramLabel = "MODEL_DIR",
            description = "Warm-start E0 from a saved model of the same shape.")
    Path initFrom;

    @Option(
            names = "--study-degenerate-layers",
            defaultValue = "0",
            paramLabel = "K",
            description =
                    "Benchmark only: reproduce the study's K-layer rows, which propagate nothing and scale scores by 1/(K+1)^2 (docs/METHODS.md §6). Needs --layers 0.")
    int studyDegenerateLayers;

    @Option(
            names = "--skip-test",
            description =
                    "Model selection: never rank the test split (per-epoch log on validation, final metrics on validation only).")
    boolean skipTest;

    @Option(
            names = "--results-json",
            paramLabel = "FILE",
            description = "Also write a bench/results-style JSON summary here.")
    Path resultsJson;

    @Option(
            names = "--name",
            defaultValue = "lightgcn",
            description = "Model name recorded in --results-json (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--modality",
            paramLabel = "NAME=FILE",
            description =
                    "A modality's item vectors: a .npy matrix, row r = item r (repeatable; e.g. text=minilm.npy audio=vggish.npy). "
                            + "NaN/Inf or a wrong row count is an error naming the item and modality; an all-zero row means the item lacks it.")
    Map<String, Path> modalities = new LinkedHashMap<>();

    @Option(
            names = "--fusion",
            defaultValue = "none",
            description =
                    "Fusion of item embeddings with the modalities (formulas: LateFusion, BENCHMARKS.md §6): none, frozen (the study's fixed random projection), "
                            + "learned (W_j trained), unfrozen (projected vectors trained), alpha (learned collaborative weight), normalized, equal (half "
                            + "collaborative), convex (alpha e + (1-alpha) mean content, ours) or early (content added before propagation) "
                            + "(default: ${DEFAULT-VALUE}).")
    String fusionVariant;

    @Option(
            names = "--cold-map",
            defaultValue = "none",
            description =
                    "Embedding of items without training interactions: none (the fusion's content alone, or the untrained row) or ridge "
                            + "(a ridge map from the modality vectors to the trained item embeddings, fitted on the other items) (default: ${DEFAULT-VALUE}).")
    String coldMap;

    @Option(
            names = "--alpha-init",
            defaultValue = Defaults.ALPHA_INIT,
            description =
                    "Initial α of the alpha and convex fusion variants (the study: 0.5, i.e. w0 = 0) (default: ${DEFAULT-VALUE}).")
    double alphaInit;

    @Option(
            names = "--model",
            paramLabel = "MODEL",
            description =
                    "lightgcn, lf (late fusion: pick --fusion), mmgef (graph early fusion) or rednd (node-neighbour discrepancy "
                            + "reduction); the graph-fusion models need --modality files (default: lightgcn, or lf when --fusion is given).")
    String model;

    @CommandLine.Mixin
    GraphFusionOptions graph = new GraphFusionOptions();

    /** The model trained: --model, or lf when only --fusion is given. */
    String modelName() {
        if (model != null) {
            return model.toLowerCase(Locale.ROOT);
        }
        return fusionVariant.equalsIgnoreCase("none") ? "lightgcn" : "lf";
    }

    private void checkModel() {
        String m = modelName();
        switch (m) {
            case "lightgcn" -> {
                if (!fusionVariant.equalsIgnoreCase("none")) {
                    throw new IllegalArgumentException("--model lightgcn takes no --fusion (use --model lf)");
                }
            }
            case "lf" -> {
                if (fusionVariant.equalsIgnoreCase("none")) {
                    throw new IllegalArgumentException(
                            "--model lf needs --fusion VARIANT, one of " + LateFusion.names());
                }
            }
            case "mmgef", "rednd" -> {
                if (!fusionVariant.equalsIgnoreCase("none")) {
                    throw new IllegalArgumentException(
                            "--model " + m + " takes no --fusion (it fuses the modalities itself)");
                }
                if (modalities.isEmpty()) {
                    throw new IllegalArgumentException("--model " + m + " needs at least one --modality NAME=FILE.npy");
                }
                if (edgeDropout > 0 || studyDegenerateLayers > 0) {
                    throw new IllegalArgumentException(
                            "--model " + m + " supports neither --edge-dropout nor --study-degenerate-layers");
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "--model must be one of lightgcn, lf, mmgef, rednd, got '" + model + "'");
        }
    }

    /** The graph-fusion settings, or null for lightgcn and lf. */
    GraphFusionConfig graphFusionConfig() {
        String m = modelName();
        if (!m.equals("mmgef") && !m.equals("rednd")) {
            return null;
        }
        return graph.config(GraphFusionConfig.Kind.parse(m));
    }

    private List<ModalityVectors> loaded;

    private List<ModalityVectors> loadModalities(int numItems) throws IOException {
        if (loaded == null) {
            loaded = new ArrayList<>();
            for (Map.Entry<String, Path> m : modalities.entrySet()) {
                var v = ModalityVectors.fromNpy(m.getKey(), m.getValue(), numItems);
                LOG.info("Loaded {}", v);
                loaded.add(v);
            }
        }
        return loaded;
    }

    private boolean useColdMap() {
        return ColdMaps.parse(coldMap);
    }

    /** The command line that started this run, recorded in results files. */
    String commandLine = System.getProperty("streamrec.command", "streamrec train");

    /** Final test metrics of the last run (for callers such as the demo). */
    RankingMetrics lastTestMetrics;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        if (evalEvery < 0 || patience < 0 || timeBudgetMinutes < 0) {
            throw new IllegalArgumentException("--eval-every, --patience and --time-budget must be >= 0");
        }
        boolean onValidation = switch (evalSplit.toLowerCase(Locale.ROOT)) {
            case "test" -> false;
            case "validation" -> true;
            default ->
                throw new IllegalArgumentException("--eval-split must be test or validation, got '" + evalSplit + "'");
        };
        InteractionData dataset = DatasetLoader.load(data);
        LOG.info("Loaded {}", dataset);
        if (onValidation && dataset.validationInteractions() == 0) {
            throw new IllegalArgumentException("--eval-split validation: " + data + " has no validation interactions");
        }
        if (skipTest && !onValidation) {
            throw new IllegalArgumentException("--skip-test needs --eval-split validation");
        }
        if (skipTest && resultsJson != null) {
            throw new IllegalArgumentException("--skip-test writes no test metrics: drop --results-json");
        }
        InteractionData monitored = onValidation ? dataset.validationAsTest() : dataset;
        Device dev = DeviceSelection.resolve(device);
        LightGcnConfig config = LightGcnConfig.builder()
                .setLayers(layers)
                .setDim(dim)
                .optLearningRate(lr)
                .optBatchSize(batchSize)
                .optLambda(lambda)
                .optSeed(seed)
                .optNegatives(enumOf(LightGcnConfig.Negatives.class, negatives, "--negatives"))
                .optBackend(enumOf(LightGcnConfig.Backend.class, backend, "--backend"))
                .optThreads(threads)
                .optStudyDegenerateLayers(studyDegenerateLayers)
                .optEdgeDropout(edgeDropout)
                .build();
        float[] initial = null;
        Map<String, float[]> initialParams = null;
        checkModel();
        if (initFrom != null) {
            SavedModel prior = SavedModel.load(initFrom);
            if (!prior.model().equals(modelName())) {
                throw new IllegalArgumentException("--init-from " + initFrom + ": a saved " + prior.model()
                        + " model cannot start a " + modelName() + " run");
            }
            if (prior.numUsers() != dataset.numUsers()
                    || prior.numItems() != dataset.numItems()
                    || prior.dim() != dim) {
                throw new IllegalArgumentException(
                        "--init-from " + initFrom + ": model has " + prior.numUsers() + " users, "
                                + prior.numItems() + " items, dim " + prior.dim() + "; this run needs "
                                + dataset.numUsers() + ", "
                                + dataset.numItems() + ", " + dim);
            }
            initial = prior.table();
            if (!prior.parameters().isEmpty()) {
                initialParams = new LinkedHashMap<>(prior.parameters());
                if (prior.table() != null) {
                    initialParams.put("E0", prior.table());
                }
            }
            LOG.info("Warm start from {} ({} epochs trained)", initFrom, prior.epochs());
        }
        Files.createDirectories(out);
        Map<String, Object> runConfig = new LinkedHashMap<>();
        runConfig.put("dataset", dataset.name());
        runConfig.put("data", data.toString());
        runConfig.put("device", dev.toString());
        runConfig.putAll(config.toMap());
        runConfig.put("epochs", epochs);
        runConfig.put("eval_every", evalEvery);
        runConfig.put("eval_split", onValidation ? "validation" : "test");
        runConfig.put("patience", patience);
        runConfig.put("time_budget_minutes", timeBudgetMinutes);
        runConfig.put("top_k", RankingMetrics.DEFAULT_KS);
        int[] ks = RankingMetrics.DEFAULT_KS;

        LateFusion fusion = null;
        if (!fusionVariant.equalsIgnoreCase("none")) {
            if (modalities.isEmpty()) {
                throw new IllegalArgumentException(
                        "--fusion " + fusionVariant + " needs at least one --modality NAME=FILE.npy");
            }
            List<ModalityVectors> loaded = loadModalities(dataset.numItems());
            fusion = new LateFusion(LateFusion.parse(fusionVariant), loaded, dim, seed);
            fusion.setAlphaInit(alphaInit);
            Map<String, Object> f = new LinkedHashMap<>(fusion.describe());
            Map<String, String> files = new LinkedHashMap<>();
            modalities.forEach((k, v) -> files.put(k, v.toString()));
            f.put("files", files);
            runConfig.put("fusion", f);
        } else if (!modalities.isEmpty() && !useColdMap() && graphFusionConfig() == null) {
            throw new IllegalArgumentException(
                    "--modality given without --fusion or --cold-map ridge: choose a variant of " + LateFusion.names());
        }
        if (useColdMap() && modalities.isEmpty()) {
            throw new IllegalArgumentException("--cold-map ridge needs at least one --modality NAME=FILE.npy");
        }

        GraphFusionConfig gfc = graphFusionConfig();
        if (gfc != null) {
            runConfig.put("graph_fusion", gfc.toMap());
            Map<String, String> files = new LinkedHashMap<>();
            modalities.forEach((k, v) -> files.put(k, v.toString()));
            runConfig.put("modality_files", files);
        }
        runConfig.put("model", modelName());
        try (Model trainer = gfc != null
                        ? new GraphModel(new GraphFusionTrainer(
                                dataset.numUsers(),
                                dataset.numItems(),
                                dataset.train(),
                                loadModalities(dataset.numItems()),
                                config,
                                gfc,
                                dev,
                                initialParams))
                        : new LightModel(
                                new LightGcnTrainer(
                                        dataset.numUsers(), dataset.numItems(), dataset.train(), config, dev, initial),
                                fusion);
                EpochLog epochLog = new EpochLog(out.resolve("train.log"), runConfig, ks)) {
            LOG.info(
                    "Training {} K={} d={} on {} ({} backend), {} steps/epoch, {} epochs",
                    modelName(),
                    layers,
                    dim,
                    dev,
                    trainer.backend(),
                    trainer.stepsPerEpoch(),
                    epochs);
            ProgressBar bar = new ProgressBar("train");
            Object bestState = null;
            double best = Double.NEGATIVE_INFINITY;
            int bestEpoch = 0;
            int sinceBest = 0;
            double trainSecondsTotal = 0;
            int epoch;
            for (epoch = 1; epoch <= epochs; epoch++) {
                final int e = epoch;
                bar.start();
                long te = System.nanoTime();
                double loss = trainer.trainEpoch((s, total, mean) ->
                        bar.update(s, total, String.format(Locale.ROOT, "epoch %d/%d loss %.4f", e, epochs, mean)));
                double trainSeconds = (System.nanoTime() - te) / 1e9;
                trainSecondsTotal += trainSeconds;
                boolean evaluate = evalEvery > 0 ? (epoch % evalEvery == 0 || epoch == epochs) : epoch == epochs;
                boolean outOfTime = timeBudgetMinutes > 0 && (System.nanoTime() - t0) / 60e9 >= timeBudgetMinutes;
                if (outOfTime) {
                    evaluate = true;
                }
                if (!evaluate) {
                    LOG.info("epoch {}/{} loss {} ({} s)", epoch, epochs, fmt(loss), fmt(trainSeconds));
                    continue;
                }
                float[] fin = trainer.finalEmbeddings();
                int fd = trainer.embeddingDim();
                double vloss = LightGcnTrainer.heldOutLoss(
                        fin, dataset.numUsers(), dataset.numItems(), fd, dataset.validation(), seed);
                RankingMetrics m = RankingEvaluator.evaluate(fin, fd, monitored, ks, dev);
                epochLog.row(epoch, loss, vloss, m);
                LOG.info(
                        "epoch {}/{} loss {} v-loss {} {} recall@20 {} ndcg@20 {} ({} s)",
                        epoch,
                        epochs,
                        fmt(loss),
                        fmt(vloss),
                        onValidation ? "validation" : "test",
                        fmt(m.recall(20)),
                        fmt(m.ndcg(20)),
                        fmt(trainSeconds));
                if (outOfTime) {
                    LOG.info("Time budget of {} minutes used up after epoch {}", timeBudgetMinutes, epoch);
                }
                if (patience > 0) {
                    if (m.ndcg(20) > best) {
                        best = m.ndcg(20);
                        bestEpoch = epoch;
                        bestState = trainer.snapshot();
                        sinceBest = 0;
                    } else if (++sinceBest >= patience) {
                        LOG.info(
                                "No better {} NDCG@20 for {} evaluations: stopping; best epoch {} ({})",
                                onValidation ? "validation" : "test",
                                patience,
                                bestEpoch,
                                fmt(best));
                        break;
                    }
                }
                if (outOfTime) {
                    break;
                }
            }
            int trainedEpochs = Math.min(epoch, epochs);
            if (bestState != null) {
                trainer.restore(bestState);
            }
            float[] fin = trainer.finalEmbeddings();
            int fd = trainer.embeddingDim();
            if (useColdMap()) {
                runConfig.put("cold_map", ColdMaps.apply(loadModalities(dataset.numItems()), fin, dataset, fd, seed));
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            RankingMetrics test = null;
            if (!skipTest) {
                test = RankingEvaluator.evaluate(fin, fd, dataset, ks, dev);
                lastTestMetrics = test;
                metrics.put("test", test.toMap());
            }
            if (dataset.validationInteractions() > 0) {
                metrics.put(
                        "validation",
                        RankingEvaluator.evaluate(fin, fd, dataset.validationAsTest(), ks, dev)
                                .toMap());
            }
            metrics.put("epochs_trained", trainedEpochs);
            metrics.put("selected_epoch", bestState != null ? bestEpoch : trainedEpochs);
            double seconds = (System.nanoTime() - t0) / 1e9;
            metrics.put("seconds", seconds);
            metrics.put("train_steps", trainer.steps());
            Map<String, Object> learned = trainer.describe();
            if (learned != null) {
                if (gfc != null) {
                    runConfig.put("graph_fusion", learned);
                }
                LOG.info("{}: {}", gfc != null ? modelName() : "Fusion", learned);
            }
            trainer.save(out, dataset, layers, trainedEpochs, runConfig, metrics, fin);
            JSON.writeValue(out.resolve("metrics.json").toFile(), metrics);
            if (test != null) {
                LOG.info(
                        "Test: P@20 {} R@20 {} NDCG@20 {} NDCG@10 {} over {} users; model saved to {}",
                        fmt(test.precision(20)),
                        fmt(test.recall(20)),
                        fmt(test.ndcg(20)),
                        fmt(test.ndcg(10)),
                        test.users(),
                        out);
            } else {
                LOG.info("Model saved to {} (test split not ranked: --skip-test)", out);
            }
            if (resultsJson != null && test != null) {
                Map<String, Object> extra = new LinkedHashMap<>();
                if (metrics.get("validation") instanceof Map<?, ?> v) {
                    extra.put("validation", v);
                }
                extra.put("model_kind", modelName());
                if (learned != null) {
                    extra.put("learned", learned);
                }
                extra.put("seconds_per_epoch", round(trainSecondsTotal / trainedEpochs));
                writeResults(dataset, test, trainedEpochs, seconds, extra);
            }
        }
        return 0;
    }

    private void writeResults(
            InteractionData dataset, RankingMetrics test, int trainedEpochs, double seconds, Map<String, Object> extra)
            throws IOException {
        ResultsFile.write(
                resultsJson,
                dataset.name(),
                name,
                studyDegenerateLayers > 0 ? studyDegenerateLayers : layers,
                trainedEpochs,
                test,
                seconds,
                commandLine,
                extra);
        LOG.info("Wrote {}", resultsJson);
    }

    static double round(double v) {
        return ResultsFile.round(v);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String value, String option) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(option + " must be one of " + allowed + ", got '" + value + "'");
    }

    /** What the training loop needs of a model, whichever it is. */
    private interface Model extends AutoCloseable {
        double trainEpoch(LightGcnTrainer.StepListener l);

        float[] finalEmbeddings();

        int embeddingDim();

        int stepsPerEpoch();

        long steps();

        String backend();

        Object snapshot();

        void restore(Object state);

        /** What was learned besides embeddings (fusion α, attention, modality weights), or null. */
        Map<String, Object> describe();

        void save(
                Path out,
                InteractionData d,
                int layers,
                int epochs,
                Map<String, Object> cfg,
                Map<String, Object> metrics,
                float[] fin);

        @Override
        void close();
    }

    /** LightGCN, optionally with late fusion (the CSR or DJL backend). */
    private static final class LightModel implements Model {
        private final LightGcnTrainer t;
        private final LateFusion fusion;
        private float[] table; // a restored snapshot's table, else null (the trainer's own)

        LightModel(LightGcnTrainer t, LateFusion fusion) {
            this.t = t;
            this.fusion = fusion;
            if (fusion != null) {
                t.useFusion(fusion);
            }
        }

        public double trainEpoch(LightGcnTrainer.StepListener l) {
            return t.trainEpoch(l);
        }

        public float[] finalEmbeddings() {
            return table != null ? t.finalEmbeddings(table) : t.finalEmbeddings();
        }

        public int embeddingDim() {
            return t.config().dim();
        }

        public int stepsPerEpoch() {
            return t.stepsPerEpoch();
        }

        public long steps() {
            return t.steps();
        }

        public String backend() {
            return t.usesCsrBackend() ? "csr" : "djl";
        }

        public Object snapshot() {
            return new Object[] {t.table(), fusion == null ? null : fusion.state()};
        }

        @SuppressWarnings("unchecked")
        public void restore(Object state) {
            Object[] s = (Object[]) state;
            table = (float[]) s[0];
            if (s[1] != null) {
                fusion.restore((List<float[]>) s[1]);
            }
        }

        public Map<String, Object> describe() {
            return fusion == null ? null : fusion.describe();
        }

        public void save(
                Path out,
                InteractionData d,
                int layers,
                int epochs,
                Map<String, Object> cfg,
                Map<String, Object> metrics,
                float[] fin) {
            if (fusion != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> f = (Map<String, Object>) cfg.get("fusion");
                f.putAll(fusion.describe());
            }
            new SavedModel(
                            d.numUsers(),
                            d.numItems(),
                            t.config().dim(),
                            layers,
                            epochs,
                            cfg,
                            metrics,
                            table != null ? table : t.table(),
                            fin)
                    .save(out);
        }

        public void close() {
            t.close();
        }
    }

    /** MM-GEF or RedND on DJL autograd. */
    private static final class GraphModel implements Model {
        private final GraphFusionTrainer t;

        GraphModel(GraphFusionTrainer t) {
            this.t = t;
        }

        public double trainEpoch(LightGcnTrainer.StepListener l) {
            return t.trainEpoch(l);
        }

        public float[] finalEmbeddings() {
            return t.finalEmbeddings();
        }

        public int embeddingDim() {
            return t.embeddingDim();
        }

        public int stepsPerEpoch() {
            return t.stepsPerEpoch();
        }

        public long steps() {
            return t.steps();
        }

        public String backend() {
            return "djl";
        }

        public Object snapshot() {
            return t.parameters();
        }

        @SuppressWarnings("unchecked")
        public void restore(Object state) {
            t.restore((Map<String, float[]>) state);
        }

        public Map<String, Object> describe() {
            return t.describe();
        }

        public void save(
                Path out,
                InteractionData d,
                int layers,
                int epochs,
                Map<String, Object> cfg,
                Map<String, Object> metrics,
                float[] fin) {
            Map<String, float[]> p = t.parameters();
            float[] table = p.remove("E0");
            Map<String, int[]> shapes = t.parameterShapes();
            shapes.remove("E0");
            int dim = (int) cfg.get("dim");
            new SavedModel(
                            d.numUsers(),
                            d.numItems(),
                            dim,
                            layers,
                            epochs,
                            cfg,
                            metrics,
                            table,
                            fin,
                            t.graphConfig().kind().wireName(),
                            t.embeddingDim(),
                            p,
                            shapes)
                    .save(out);
        }

        public void close() {
            t.close();
        }
    }
}
