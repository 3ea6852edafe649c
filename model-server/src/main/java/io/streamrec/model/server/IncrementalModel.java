package io.streamrec.model.server;

import ai.djl.Device;
import io.streamrec.common.Defaults;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.graphfusion.GraphFusionTrainer;
import io.streamrec.model.itemgraph.ContentKnn;
import io.streamrec.model.itemgraph.ItemGraph;
import io.streamrec.model.itemgraph.LiveItemGraphs;
import io.streamrec.model.lightgcn.LightGcnConfig;
import io.streamrec.model.lightgcn.LightGcnTrainer;
import io.streamrec.model.multimodal.ContentMap;
import io.streamrec.model.multimodal.ModalityVectors;
import io.streamrec.serving.VectorMath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server's state between versions, and how a version is made: the user–item graph
 * under dense ids, the item content vectors, and the last trained layer-0 table E⁽⁰⁾.
 *
 * <p>The fine-tuning policy ({@link #fineTune}):
 * <ul>
 *   <li>The first version trains {@code initialEpochs} full epochs from Xavier init.
 *   <li>Every later version warm-starts from the previous E⁽⁰⁾. A new user starts from the mean
 *       of the previous rows of its items (Xavier if none is known); a new item from its content
 *       through a ridge map fitted on the previous version's items (Xavier without content).
 *   <li>Then BPR steps, each propagating over the whole graph or, where that visits at most
 *       {@link Budget#subgraphCrossover} of the non-zeros, over the batch's sampled K-hop
 *       neighbourhood (so a step's cost follows the batch, not the graph), each batch drawing {@code 1 −
 *       replayFraction} of its positives from the edges added since the last version (still
 *       present: a removed edge is never a positive) and the rest uniformly from all edges (replay,
 *       against forgetting); negatives uniform over items. How many steps follows the change
 *       ({@link Budget}): enough for {@code passesOverNew} passes over the new edges, at least
 *       {@code minSteps}, at most {@code maxSteps}, and no more than {@code seconds} of stepping.
 *       Adam's moments carry over from version to version (the CSR backend; new rows start at zero;
 *       the snapshot keeps them, so a restart continues them). The version reports the loss of its final
 *       embeddings on (a sample of) its new edges and on (a sample of) all edges, separately.
 *   <li>Items without any edge are published at their content's place: a ridge map from content to
 *       the new version's final item embeddings, fitted on the items with edges (BENCHMARKS.md §6:
 *       this keeps warm items at LightGCN quality and gives cold items 9.5× LightGCN's NDCG@20 on
 *       lfm2k). So a new item with text is recommendable before its first interaction.
 * </ul>
 */
public final class IncrementalModel {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalModel.class);
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;
    /** Training settings. */
    public record Settings(
            int dim,
            int layers,
            double learningRate,
            int batchSize,
            double lambda,
            int initialEpochs,
            Budget budget,
            double replayFraction,
            long seed,
            Device device) {
        public static Settings defaults() {
            return builder().build();
        }

        /** Named settings, each at the serve command's default ({@link Defaults}). */
        public static Builder builder() {
            return new Builder();
        }

        /** Named settings: no two adjacent numbers to swap. */
        public static final class Builder {
            private int dim = Integer.parseInt(Defaults.DIM);
            private int layers = Integer.parseInt(Defaults.FINE_TUNE_LAYERS);
            private double learningRate = Double.parseDouble(Defaults.FINE_TUNE_LEARNING_RATE);
            private int batchSize = Integer.parseInt(Defaults.FINE_TUNE_BATCH_SIZE);
            private double lambda = Double.parseDouble(Defaults.LAMBDA);
            private int initialEpochs = Integer.parseInt(DEFAULT_INITIAL_EPOCHS);
            private Budget budget = Budget.defaults();
            private double replayFraction = Double.parseDouble(Defaults.REPLAY_FRACTION);
            private long seed = Long.parseLong(Defaults.SEED);
            private Device device = Device.cpu();

            private Builder() {}

            public Builder dim(int v) {
                dim = v;
                return this;
            }

            public Builder layers(int v) {
                layers = v;
                return this;
            }

            public Builder learningRate(double v) {
                learningRate = v;
                return this;
            }

            public Builder batchSize(int v) {
                batchSize = v;
                return this;
            }

            public Builder lambda(double v) {
                lambda = v;
                return this;
            }

            /** Epochs over all edges of the first version, trained from scratch. */
            public Builder initialEpochs(int v) {
                initialEpochs = v;
                return this;
            }

            public Builder budget(Budget v) {
                budget = v;
                return this;
            }

            /** Share of each fine-tuning batch drawn from replayed (older) edges. */
            public Builder replayFraction(double v) {
                replayFraction = v;
                return this;
            }

            public Builder seed(long v) {
                seed = v;
                return this;
            }

            public Builder device(Device v) {
                device = v;
                return this;
            }

            public Settings build() {
                return new Settings(
                        dim,
                        layers,
                        learningRate,
                        batchSize,
                        lambda,
                        initialEpochs,
                        budget,
                        replayFraction,
                        seed,
                        device);
            }
        }
    }

    /** Epochs of the first version (from scratch) when nothing says otherwise: the serve command's default. */
    public static final String DEFAULT_INITIAL_EPOCHS = "20";

    /**
     * Steps per later version: {@code passesOverNew} passes over the version's new edges (each step
     * takes {@code batchSize · (1 − replayFraction)} of them), clamped to [{@code minSteps}, {@code
     * maxSteps}]; stepping also stops after {@code seconds} (0: no time limit) once {@code minSteps}
     * are done... unless even those overrun it: the time limit wins, after at least one step.
     *
     * <p>A step propagates over its batch's K-hop neighbourhood instead of the whole graph when that
     * visits at most {@code subgraphCrossover} × the non-zeros of a full-graph step (0: always the full
     * graph); in it a node propagates from at most {@code fanout} sampled neighbours (0: all, exact).
     * {@code bench-steps} measured where one becomes cheaper than the other (BENCHMARKS.md §10).
     */
    public record Budget(
            int minSteps, double passesOverNew, int maxSteps, double seconds, double subgraphCrossover, int fanout) {
        /** Work ratio below which a neighbourhood step is chosen: a measured crossover (BENCHMARKS.md §10). */
        public static final double DEFAULT_SUBGRAPH_CROSSOVER = 0.05;

        public Budget(int minSteps, double passesOverNew, int maxSteps, double seconds) {
            this(minSteps, passesOverNew, maxSteps, seconds, DEFAULT_SUBGRAPH_CROSSOVER, DEFAULT_FANOUT);
        }

        /** Neighbours sampled per node and hop in a neighbourhood step. */
        public static final int DEFAULT_FANOUT = 10;

        public Budget {
            if (!(subgraphCrossover >= 0) || fanout < 0) {
                throw new IllegalArgumentException(
                        "training budget: the subgraph crossover and the fanout must be >= 0, got " + subgraphCrossover
                                + " and " + fanout);
            }
            if (minSteps < 0 || maxSteps < minSteps || !(passesOverNew >= 0) || !(seconds >= 0)) {
                throw new IllegalArgumentException(
                        "training budget: need 0 <= min steps <= max steps, passes over new edges >= 0 and "
                                + "seconds >= 0; got min " + minSteps + ", max " + maxSteps + ", passes "
                                + passesOverNew + ", seconds " + seconds);
            }
        }

        public static Budget defaults() {
            return new Budget(100, 1.0, 5_000, 20);
        }

        /** Fixed: exactly {@code steps} per version, no time limit (tests, reproductions). */
        public static Budget fixed(int steps) {
            return new Budget(steps, 0, steps, 0);
        }

        /** The steps a version with {@code fresh} new edges asks for. */
        public long steps(long fresh, int batchSize, double replayFraction) {
            double perStep = batchSize * (1 - replayFraction);
            long wanted = perStep <= 0 ? 0 : (long) Math.ceil(passesOverNew * fresh / perStep);
            return Math.max(minSteps, Math.min(maxSteps, wanted));
        }
    }

    final Settings settings;
    final UserItemGraph graph;
    final ItemContent content;
    float[] table; // E0 of the last version, users-first, for lastUsers + lastItems rows
    LightGcnTrainer.AdamState adam; // Adam's moments of table (same rows), carried into the next version
    int lastUsers;
    int lastItems;
    long version;
    long throughSeq;
    private final SplittableRandom random;

    public IncrementalModel(Settings settings) {
        this(settings, new UserItemGraph(), new ItemContent());
    }

    IncrementalModel(Settings settings, UserItemGraph graph, ItemContent content) {
        this.settings = settings;
        this.graph = graph;
        this.content = content;
        this.random = new SplittableRandom(settings.seed());
    }

    /** Adds the user–item edge (a repeat is a no-op); returns whether it was new. */
    public boolean addEdge(String user, String item) {
        return graph.addEdge(user, item);
    }

    /** Removes the edge if present; returns whether it was. */
    public boolean removeEdge(String user, String item) {
        return graph.removeEdge(user, item);
    }

    /**
     * Sets (or replaces) one modality vector of an item, e.g. its MiniLM text vector. A wrong
     * dimension (against the modality's first vector), NaN or infinity is rejected naming both.
     */
    public void setContent(String item, String modality, float[] vector) {
        int idx = graph.items.intern(item);
        content.set(idx, item, modality, vector);
        if (live != null) { // an arriving item gets its content neighbours at once
            live.update(idx, modality, content.vectors, content.dims);
        }
    }

    public long edges() {
        return graph.edges();
    }

    public int numUsers() {
        return graph.numUsers();
    }

    public int numItems() {
        return graph.numItems();
    }

    public long version() {
        return version;
    }

    /** Edges added since the last version. */
    public int pendingEdges() {
        return graph.pendingEdges();
    }

    /** Makes the next version, trained through changelog position {@code throughSeq}. */
    public ModelVersion fineTune(long throughSeq) {
        long t0 = System.nanoTime();
        int nu = graph.numUsers();
        int ni = graph.numItems();
        int[][] itemsByUser = graph.itemsByUser();
        int dim = settings.dim();
        LightGcnConfig cfg = LightGcnConfig.builder()
                .setLayers(settings.layers())
                .setDim(dim)
                .optLearningRate(settings.learningRate())
                .optBatchSize(settings.batchSize())
                .optLambda(settings.lambda())
                .optSeed(settings.seed() + version)
                .build();
        List<ModalityVectors> modalities = content.modalityVectors(ni);
        if (graphFusion != null && !modalities.isEmpty()) {
            return fineTuneGraph(throughSeq, t0, nu, ni, itemsByUser, cfg, modalities);
        }
        float[] initial = table == null ? null : warmStart(nu, ni, itemsByUser, modalities);
        Map<String, Object> metrics = new LinkedHashMap<>();
        long[] all = null;
        float[] fin;
        float[] e0;
        LightGcnTrainer.AdamState carried;
        try (LightGcnTrainer trainer = new LightGcnTrainer(nu, ni, itemsByUser, cfg, settings.device(), initial)) {
            carried = trainer.usesCsrBackend() ? carryAdam(nu, ni) : null;
            if (carried != null) {
                trainer.useAdamState(carried);
            }
            double loss = 0;
            long steps = 0;
            if (initial == null) {
                loss = initialEpochs(() -> trainer.trainEpoch(null));
                steps = trainer.steps();
            } else {
                all = graph.allEdges(itemsByUser);
                int fresh = graph.keepPresent(itemsByUser);
                double sum;
                Budget budget = settings.budget();
                if (carried != null && budget.subgraphCrossover() > 0) {
                    trainer.useSubgraphSteps(budget.subgraphCrossover(), budget.fanout());
                }
                long t1 = System.nanoTime();
                metrics.put("prepare_seconds", (t1 - t0) / 1e9);
                double[] done = budgetSteps(trainer::step, fresh, all, ni, metrics);
                steps = (long) done[0];
                sum = done[1];
                metrics.put("steps_seconds", (System.nanoTime() - t1) / 1e9);
                metrics.put("subgraph_steps", trainer.subgraphSteps());
                metrics.put("new_edges", fresh);
                loss = steps == 0 ? Double.NaN : sum / steps;
            }
            e0 = trainer.table();
            fin = trainer.finalEmbeddings(e0);
            metrics.put("adam_steps", carried == null ? 0 : carried.t);
            metrics.put("loss", loss);
            metrics.put("steps", steps);
            if (initial != null) {
                // the final embeddings' BPR loss on the new edges and on all edges (samples, one fixed negative each)
                metrics.put("loss_new", lossOnNewEdges(fin, nu, ni, dim));
                metrics.put(
                        "loss_replay",
                        LightGcnTrainer.heldOutLoss(
                                fin, nu, ni, dim, samplePairs(all, all.length), settings.seed() + version + 1));
            }
        }
        boolean[] warm = new boolean[ni];
        for (int[] l : itemsByUser) {
            for (int i : l) {
                warm[i] = true;
            }
        }
        int mapped = 0;
        if (!modalities.isEmpty()) {
            boolean[] cold = new boolean[ni];
            int coldCount = 0;
            for (int i = 0; i < ni; i++) {
                cold[i] = !warm[i];
                coldCount += cold[i] ? 1 : 0;
            }
            if (coldCount > 0 && countWarmWithContent(warm, modalities) >= 6) {
                mapped = ContentMap.fit(modalities, fin, nu, dim, warm, settings.seed())
                        .applyTo(fin, nu, cold);
            }
        }
        table = e0;
        adam = carried; // with the table: the same rows
        lastUsers = nu;
        lastItems = ni;
        graph.clearPending();
        version++;
        this.throughSeq = throughSeq;
        metrics.put("edges", graph.edges());
        metrics.put("users", nu);
        metrics.put("items", ni);
        metrics.put("cold_items_from_content", mapped);
        metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
        return new ModelVersion(
                version,
                throughSeq,
                dim,
                idList(graph.users),
                Arrays.copyOfRange(fin, 0, nu * dim),
                idList(graph.items),
                Arrays.copyOfRange(fin, nu * dim, (nu + ni) * dim),
                metrics);
    }

    /** The BPR loss of final embeddings {@code fin} on (a sample of) the pending edges, one fixed negative each. */
    private double lossOnNewEdges(float[] fin, int nu, int ni, int width) {
        return LightGcnTrainer.heldOutLoss(
                fin, nu, ni, width, samplePairs(graph.recent(), graph.pendingEdges()), settings.seed() + version);
    }

    /** Up to 4,096 of the first {@code n} (user << 32 | item) pairs of {@code edges}, evenly spaced. */
    private static long[] samplePairs(long[] edges, int n) {
        int take = Math.min(n, 4096);
        long[] out = new long[take];
        for (int k = 0; k < take; k++) {
            out[k] = edges[(int) ((long) k * n / take)];
        }
        return out;
    }

    /**
     * A version of the served graph-fusion model (MM-GEF or RedND, {@link #useGraphFusion}): the same
     * warm start of E⁽⁰⁾ and the same budget of steps as LightGCN's, on {@link GraphFusionTrainer} (DJL
     * autograd, full forward pass per step), over the live content kNN graphs; the other parameters
     * carry over from the last version (new users' rows start fresh). Items without edges are placed by
     * the model itself through their content neighbours, so no ridge map is applied.
     */
    private ModelVersion fineTuneGraph(
            long throughSeq,
            long t0,
            int nu,
            int ni,
            int[][] itemsByUser,
            LightGcnConfig cfg,
            List<ModalityVectors> modalities) {
        int dim = settings.dim();
        float[] initial = table == null ? null : warmStart(nu, ni, itemsByUser, modalities);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", graphFusion.kind().wireName());
        long tg = System.nanoTime();
        Map<String, ItemGraph> graphs = live.graphs(ni);
        metrics.put("item_graph_seconds", (System.nanoTime() - tg) / 1e9);
        float[] fin;
        int width;
        Map<String, float[]> params;
        try (GraphFusionTrainer trainer = new GraphFusionTrainer(
                nu, ni, itemsByUser, modalities, cfg, graphFusion, settings.device(), null, graphs)) {
            double loss;
            long steps;
            if (initial == null) {
                loss = initialEpochs(() -> trainer.trainEpoch(null));
                steps = trainer.steps();
            } else {
                trainer.carryOver(graphParams == null ? Map.of() : graphParams, graphParamUsers, initial);
                long[] all = graph.allEdges(itemsByUser);
                int fresh = graph.keepPresent(itemsByUser);
                long t1 = System.nanoTime();
                metrics.put("prepare_seconds", (t1 - t0) / 1e9);
                double[] done = budgetSteps(trainer::step, fresh, all, ni, metrics);
                steps = (long) done[0];
                loss = steps == 0 ? Double.NaN : done[1] / steps;
                metrics.put("steps_seconds", (System.nanoTime() - t1) / 1e9);
                metrics.put("new_edges", fresh);
            }
            fin = trainer.finalEmbeddings();
            width = trainer.embeddingDim();
            params = trainer.parameters();
            metrics.put("loss", loss);
            metrics.put("steps", steps);
            if (initial != null) {
                metrics.put("loss_new", lossOnNewEdges(fin, nu, ni, width));
            }
            trainer.describe().forEach((k, v) -> {
                if (v instanceof Number || v instanceof String) {
                    metrics.putIfAbsent("graph_" + k, v);
                }
            });
        }
        float[] e0 = params.remove("E0");
        table = e0 != null
                ? e0
                : new float[(nu + ni) * dim]; // a RedND without id channel has no table: zeros mark "trained"
        graphParams = params;
        graphParamUsers = nu;
        adam = null; // LightGCN's carried moments do not describe these steps
        lastUsers = nu;
        lastItems = ni;
        graph.clearPending();
        version++;
        this.throughSeq = throughSeq;
        metrics.putAll(live.stats());
        metrics.put("edges", graph.edges());
        metrics.put("users", nu);
        metrics.put("items", ni);
        metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
        return new ModelVersion(
                version,
                throughSeq,
                width,
                idList(graph.users),
                Arrays.copyOfRange(fin, 0, nu * width),
                idList(graph.items),
                Arrays.copyOfRange(fin, nu * width, (nu + ni) * width),
                metrics);
    }

    /** The served model: MM-GEF or RedND with these settings instead of LightGCN (call before the first version). */
    public void useGraphFusion(GraphFusionConfig gf) {
        this.graphFusion = gf;
        this.live = gf == null
                ? null
                : new LiveItemGraphs(
                        ContentKnn.Settings.of(gf.knnK(), gf.exactBelow()), gf.kind() == GraphFusionConfig.Kind.MMGEF);
        if (live != null) { // content already known (a snapshot): into the graphs
            live.rebuild(content.vectors, content.dims);
        }
    }

    /** The served model's name: lightgcn, mmgef or rednd. */
    public String modelName() {
        return graphFusion == null ? "lightgcn" : graphFusion.kind().wireName();
    }

    /** A withdrawn item leaves the content kNN graph (its edges still train). */
    public void withdrawItem(String item) {
        int i = graph.items.get(item);
        if (live != null && i >= 0) {
            live.withdraw(i);
        }
    }

    /** An item listed again re-enters the content kNN graph with the content it has. */
    public void relistItem(String item) {
        int i = graph.items.get(item);
        if (live != null && i >= 0) {
            live.relist(i, content.vectors, content.dims);
        }
    }

    /** The live content kNN graphs (null when LightGCN is served). */
    public LiveItemGraphs liveGraphs() {
        return live;
    }

    private GraphFusionConfig graphFusion;
    private LiveItemGraphs live;
    Map<String, float[]> graphParams;
    int graphParamUsers;

    /**
     * The first version's {@code initialEpochs} epochs, with a progress line at most every 10 s (at 50k
     * items and 1.4M edges one epoch is minutes of CPU), and the last epoch's loss.
     */
    private double initialEpochs(DoubleSupplier epoch) {
        int n = settings.initialEpochs();
        long t0 = System.nanoTime();
        long last = t0;
        double loss = Double.NaN;
        for (int e = 1; e <= n; e++) {
            loss = epoch.getAsDouble();
            long now = System.nanoTime();
            if (e < n && now - last >= PROGRESS_EVERY_NANOS) {
                double spent = (now - t0) / 1e9;
                LOG.info(
                        "First version: epoch {} of {}, loss {}, {} s so far, about {} s to go",
                        e,
                        n,
                        String.format("%.4f", loss),
                        Math.round(spent),
                        Math.round(spent / e * (n - e)));
                last = now;
            }
        }
        return loss;
    }

    /** One BPR step on the first b triples; returns its loss. */
    @FunctionalInterface
    private interface StepFn {
        float step(int[] users, int[] pos, int[] neg, int b);
    }

    /**
     * A later version's steps ({@link Budget}): each batch draws 1 − replayFraction of its positives from
     * the {@code fresh} new edges and the rest from all edges, negatives uniform; returns {steps, loss sum}.
     */
    private double[] budgetSteps(StepFn step, int fresh, long[] all, int ni, Map<String, Object> metrics) {
        int b = settings.batchSize();
        int[] bu = new int[b];
        int[] bp = new int[b];
        int[] bn = new int[b];
        double sum = 0;
        long steps = 0;
        Budget budget = settings.budget();
        long target = budget.steps(fresh, b, settings.replayFraction());
        long deadline = budget.seconds() > 0 ? System.nanoTime() + (long) (budget.seconds() * 1e9) : Long.MAX_VALUE;
        for (long s = 0; s < target && all.length > 0; s++) {
            if (s > 0 && System.nanoTime() > deadline) {
                metrics.put("stopped_by_time", 1);
                break;
            }
            for (int k = 0; k < b; k++) {
                long edge = fresh > 0 && random.nextDouble() >= settings.replayFraction()
                        ? graph.recent()[random.nextInt(fresh)]
                        : all[random.nextInt(all.length)];
                bu[k] = (int) (edge >>> 32);
                bp[k] = (int) edge;
                bn[k] = random.nextInt(ni);
            }
            sum += step.step(bu, bp, bn, b);
            steps++;
        }
        metrics.put("steps_wanted", target);
        return new double[] {steps, sum};
    }

    /**
     * The previous version's Adam moments laid out for this version's rows (users first: the item rows
     * move by the number of new users; new rows start at zero), or fresh ones for a first version.
     */
    private LightGcnTrainer.AdamState carryAdam(int nu, int ni) {
        int dim = settings.dim();
        float[] m = new float[(nu + ni) * dim];
        float[] v = new float[(nu + ni) * dim];
        if (adam == null || table == null) {
            return new LightGcnTrainer.AdamState(m, v, 0);
        }
        System.arraycopy(adam.m, 0, m, 0, lastUsers * dim);
        System.arraycopy(adam.v, 0, v, 0, lastUsers * dim);
        System.arraycopy(adam.m, lastUsers * dim, m, nu * dim, lastItems * dim);
        System.arraycopy(adam.v, lastUsers * dim, v, nu * dim, lastItems * dim);
        return new LightGcnTrainer.AdamState(m, v, adam.t);
    }

    private static int countWarmWithContent(boolean[] warm, List<ModalityVectors> modalities) {
        int n = 0;
        for (int i = 0; i < warm.length; i++) {
            if (!warm[i]) {
                continue;
            }
            for (ModalityVectors m : modalities) {
                if (m.get(i) != null) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static List<String> idList(IdMap map) {
        List<String> l = new ArrayList<>(map.size());
        for (int k = 0; k < map.size(); k++) {
            l.add(map.id(k));
        }
        return l;
    }

    /** E⁽⁰⁾ for the current graph from the previous version's (rules in the class comment). */
    private float[] warmStart(int nu, int ni, int[][] itemsByUser, List<ModalityVectors> modalities) {
        int dim = settings.dim();
        float[] init = LightGcnTrainer.xavierUniform(nu + ni, dim, settings.seed() + 7919 * version);
        System.arraycopy(table, 0, init, 0, lastUsers * dim);
        System.arraycopy(table, lastUsers * dim, init, nu * dim, lastItems * dim);
        if (ni > lastItems && !modalities.isEmpty()) { // new items from content, mapped into the previous E0
            boolean[] known = new boolean[ni];
            boolean[] fresh = new boolean[ni];
            for (int i = 0; i < ni; i++) {
                known[i] = i < lastItems;
                fresh[i] = !known[i];
            }
            if (countWarmWithContent(known, modalities) >= 6) {
                ContentMap.fit(modalities, init, nu, dim, known, settings.seed())
                        .applyTo(init, nu, fresh);
            }
        }
        for (int u = lastUsers; u < nu; u++) { // new users: the mean of their items' rows
            int[] l = itemsByUser[u];
            if (l.length == 0) {
                continue;
            }
            System.arraycopy(VectorMath.meanOfRows(init, dim, nu, l), 0, init, u * dim, dim);
        }
        return init;
    }

    /**
     * Writes the state to {@code dir} atomically ({@link ModelSnapshot#save}); the snapshot it
     * replaces is kept as {@link ModelSnapshot#previous}.
     */
    public void save(Path dir) throws IOException {
        ModelSnapshot.save(this, dir, Map.of());
    }

    /** {@link #save(Path)} with extra properties files written into the same snapshot (e.g. the changelog positions). */
    public void save(Path dir, Map<String, Properties> extra) throws IOException {
        ModelSnapshot.save(this, dir, extra);
    }

    public long throughSeq() {
        return throughSeq;
    }
}
