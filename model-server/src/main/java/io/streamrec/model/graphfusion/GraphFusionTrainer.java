package io.streamrec.model.graphfusion;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamrec.model.graph.CooAdjacency;
import io.streamrec.model.graph.NormalizedAdjacency;
import io.streamrec.model.graph.ScalarTensors;
import io.streamrec.model.itemgraph.CoInteraction;
import io.streamrec.model.itemgraph.ContentFeatures;
import io.streamrec.model.itemgraph.ContentKnn;
import io.streamrec.model.itemgraph.ItemGraph;
import io.streamrec.model.itemgraph.LiveItemGraphs;
import io.streamrec.model.lightgcn.BprLoss;
import io.streamrec.model.lightgcn.BprSampler;
import io.streamrec.model.lightgcn.LightGcnConfig;
import io.streamrec.model.lightgcn.LightGcnTrainer;
import io.streamrec.model.multimodal.ModalityVectors;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the two graph-fusion seed models of docs/METHODS.md §3–4 on DJL autograd (PyTorch sparse COO
 * matmul for every graph; CPU, or CUDA when present). Both score by inner product and train with BPR
 * (uniform or unseen negatives, λ on the batch's rows), Adam, on the same sampler as LightGCN.
 *
 * <p><b>MM-GEF</b> (graph early fusion). Item content X: the early fusion of the modalities, the mean
 * of the item's L2-normalised vectors ({@link ContentFeatures}; [m̂¹…m̂ⁿ]/n_i across dimensions), and
 * P = X W, a trainable linear projection to d. Item–item graph: the content kNN graph of the fused
 * features (top-k cosine, weight = similarity) and the co-interaction graph (top-k C_ij), each
 * symmetrised and symmetric-normalised, combined as A = β_c Â_content + β_co Â_co with β =
 * softmax(w), w learned (the soft attention, both start at ½). GCN: h⁽⁰⁾ = e⁽⁰⁾_i + p_i (the item's id
 * embedding, shared with LightGCN, plus its projected content), h⁽ˡ⁺¹⁾ = A h⁽ˡ⁾ for L item layers.
 * Item embedding: the LightGCN output plus ĥ⁽ᴸ⁾/‖ĥ⁽ᴸ⁾‖. Users keep their LightGCN embedding.
 *
 * <p><b>RedND</b> (node–neighbour discrepancy reduction; after the public reference, written here).
 * One channel per modality m: users start from trainable preference vectors, items from their
 * features through a small MLP (d_m → 4d → d, leaky ReLU); layer 0 = those rows L2-normalised;
 * 3 (K) layers of the symmetric-normalised user–item graph; the channel's embedding is the sum of
 * its layers 0..K. With {@code idChannel} LightGCN's id embeddings are one more channel (mean of
 * layers, as LightGCN), the backbone docs/METHODS.md §4 describes. A user is the concatenation of its
 * channels, each weighted by a per-user softmax; an item is the concatenation of its channels plus
 * one hop over the frozen item–item kNN graph Σ_m β_m Â_m (per-modality top-k cosine graphs; β learned
 * by a softmax, or fixed). Loss = BPR + λ (batch users' preference rows, mean square) + λ_ssl Σ_m
 * InfoNCE(layer 0, mean of layers 1..K) over the batch's distinct nodes (at most {@code sslNodes} of
 * them) with in-batch negatives ({@link InfoNce}), instead of the reference's all-node product. The embedding dimension is
 * channels × d.
 *
 * <p>Items without interactions are placed by their content alone: their id embedding has only
 * ever been a negative, so its collaborative part (MM-GEF's LightGCN term, RedND's id channel) is
 * left out (as late fusion's rule for such items); MM-GEF's GCN averages their content neighbours'
 * id embeddings and projected content, RedND's content channels are their features and the kNN hop
 * adds their neighbours'. Every step recomputes the whole forward pass (as LightGCN's DJL
 * backend does): these are offline and small-catalog models; the model server's bounded steps are
 * LightGCN's.
 */
public final class GraphFusionTrainer implements AutoCloseable {
    private final LightGcnConfig config;
    private final GraphFusionConfig gf;
    private final int numUsers;
    private final int numItems;
    private final int numNodes;
    private final int dim;
    private final List<ModalityVectors> modalities;
    private final NDManager manager;
    private final ScalarTensors scalars;
    private final Optimizer adam;
    private final BprSampler sampler;
    private final int[] batchUsers;
    private final int[] batchPos;
    private final int[] batchNeg;
    private final int[] nodeStamp;
    private int stamp;
    private long steps;

    /** Trainable parameters by name, in a fixed order (what a saved model stores). */
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    /** Constants (graphs, features) attached to every step's manager. */
    private final List<NDArray> constants = new ArrayList<>();

    private NDArray userItem; // Â, N×N COO (null when layers = 0)
    /** 1 for items with a training edge, 0 for the others (I×1): an item without any has no collaborative part. */
    private NDArray warmMask;
    // MM-GEF
    private NDArray fusedX; // I×F
    private NDArray contentGraph; // I×I
    private NDArray coGraph; // I×I
    // RedND
    private final List<NDArray> features = new ArrayList<>(); // I×d_m, unit rows (zero where missing)
    private final List<NDArray> featureMasks = new ArrayList<>(); // I×1
    private final List<NDArray> modalityGraphs = new ArrayList<>(); // I×I each
    private float[] fixedModalityWeights; // null: learned
    private final Map<String, Object> graphStats = new LinkedHashMap<>();

    /**
     * @param itemsByUser training items per user (the user–item graph, positives, co-interactions)
     * @param initial parameters to start from (a saved model's), or null for a fresh init
     */
    public GraphFusionTrainer(
            int numUsers,
            int numItems,
            int[][] itemsByUser,
            List<ModalityVectors> modalities,
            LightGcnConfig config,
            GraphFusionConfig gf,
            Device device,
            Map<String, float[]> initial) {
        this(numUsers, numItems, itemsByUser, modalities, config, gf, device, initial, null);
    }

    /**
     * @param contentGraphs normalised content kNN graphs kept elsewhere (the model server's live ones:
     *     {@code "fused"} for MM-GEF, modality names for RedND), or null to build them here
     */
    public GraphFusionTrainer(
            int numUsers,
            int numItems,
            int[][] itemsByUser,
            List<ModalityVectors> modalities,
            LightGcnConfig config,
            GraphFusionConfig gf,
            Device device,
            Map<String, float[]> initial,
            Map<String, ItemGraph> contentGraphs) {
        if (modalities.isEmpty()) {
            throw new IllegalArgumentException(gf.kind().wireName() + " needs at least one --modality NAME=FILE.npy");
        }
        for (ModalityVectors m : modalities) {
            if (m.numItems() != numItems) {
                throw new IllegalArgumentException(
                        "modality " + m.name() + " covers " + m.numItems() + " items, the graph " + numItems);
            }
        }
        this.config = config;
        this.gf = gf;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.numNodes = numUsers + numItems;
        this.dim = config.dim();
        this.modalities = List.copyOf(modalities);
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        this.scalars = new ScalarTensors(manager);
        this.adam = Adam.builder()
                .optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                .build();
        this.sampler = new BprSampler(numItems, itemsByUser, config.negatives(), config.seed());
        this.batchUsers = new int[config.batchSize()];
        this.batchPos = new int[config.batchSize()];
        this.batchNeg = new int[config.batchSize()];
        this.nodeStamp = new int[numNodes];
        if (config.layers() > 0) {
            userItem = keep(
                    CooAdjacency.create(manager, NormalizedAdjacency.fromUserItems(numUsers, numItems, itemsByUser)));
        }
        float[] warm = new float[numItems];
        int coldItems = numItems;
        for (int[] l : itemsByUser) {
            for (int i : l) {
                if (warm[i] == 0f) {
                    warm[i] = 1f;
                    coldItems--;
                }
            }
        }
        warmMask = keep(manager.create(warm, new Shape(numItems, 1)));
        graphStats.put("items_without_edges", coldItems);
        SplittableRandom rnd = new SplittableRandom(config.seed() ^ 0x6EF5L);
        ContentKnn.Settings knn = ContentKnn.Settings.of(gf.knnK(), gf.exactBelow());
        if (gf.kind() == GraphFusionConfig.Kind.MMGEF) {
            ContentFeatures fused = ContentFeatures.fused(modalities);
            // the projection's input: the mean of the modality vectors, [m̂¹…m̂ⁿ]/n_i (unit rows are × 1/√n_i)
            float[] x = fused.rows().clone();
            for (int i = 0; i < numItems; i++) {
                int n = fused.modalities(i);
                if (n > 1) {
                    float s = (float) (1 / Math.sqrt(n));
                    for (int c = 0; c < fused.dim(); c++) {
                        x[i * fused.dim() + c] *= s;
                    }
                }
            }
            fusedX = keep(manager.create(x, new Shape(numItems, fused.dim())));
            ItemGraph given = contentGraphs == null ? null : contentGraphs.get(LiveItemGraphs.FUSED);
            ContentKnn content = given != null ? null : fused.knn(knn);
            ItemGraph cg = given != null ? given : content.normalizedGraph();
            ItemGraph co = ItemGraph.symmetrised(
                            CoInteraction.topK(numItems, itemsByUser, gf.coK(), gf.coCap(), config.seed()))
                    .symmetricNormalized();
            contentGraph = keep(CooAdjacency.create(manager, numItems, cg.rowPtr(), cg.cols(), cg.values()));
            coGraph = keep(CooAdjacency.create(manager, numItems, co.rowPtr(), co.cols(), co.values()));
            graphStats.put("content_edges", cg.nnz());
            graphStats.put("content_knn", content == null ? "live" : content.exact() ? "exact" : "hnsw");
            graphStats.put("co_interaction_edges", co.nnz());
            param("E0", numNodes, dim, initial, LightGcnTrainer.xavierUniform(numNodes, dim, config.seed()));
            float bound = (float) (1 / Math.sqrt(fused.dim()));
            param("W", fused.dim(), dim, initial, uniform(fused.dim() * dim, bound, rnd));
            param("attention", 1, 2, initial, new float[2]);
        } else {
            long edges = 0;
            for (ModalityVectors m : modalities) {
                ContentFeatures f = ContentFeatures.single(m);
                features.add(keep(manager.create(f.rows(), new Shape(numItems, m.dim()))));
                float[] mask = new float[numItems];
                for (int i = 0; i < numItems; i++) {
                    mask[i] = f.present()[i] ? 1f : 0f;
                }
                featureMasks.add(keep(manager.create(mask, new Shape(numItems, 1))));
                ItemGraph g = contentGraphs != null && contentGraphs.containsKey(m.name())
                        ? contentGraphs.get(m.name())
                        : f.knn(knn).normalizedGraph();
                edges += g.nnz();
                modalityGraphs.add(keep(CooAdjacency.create(manager, numItems, g.rowPtr(), g.cols(), g.values())));
                String n = m.name();
                param("pref." + n, numUsers, dim, initial, xavierNormal(numUsers, dim, rnd));
                param(
                        "mlp1." + n,
                        m.dim(),
                        4 * dim,
                        initial,
                        uniform(m.dim() * 4 * dim, (float) (1 / Math.sqrt(m.dim())), rnd));
                param("bias1." + n, 1, 4 * dim, initial, uniform(4 * dim, (float) (1 / Math.sqrt(m.dim())), rnd));
                param(
                        "mlp2." + n,
                        4 * dim,
                        dim,
                        initial,
                        uniform(4 * dim * dim, (float) (1 / Math.sqrt(4 * dim)), rnd));
                param("bias2." + n, 1, dim, initial, uniform(dim, (float) (1 / Math.sqrt(4 * dim)), rnd));
            }
            graphStats.put("modality_knn_edges", edges);
            if (gf.idChannel()) {
                param("E0", numNodes, dim, initial, LightGcnTrainer.xavierUniform(numNodes, dim, config.seed()));
            }
            param("user_weights", numUsers, channels(), initial, new float[numUsers * channels()]);
            if ("learned".equalsIgnoreCase(gf.modalityWeights())) {
                param("modality_weights", 1, modalities.size(), initial, new float[modalities.size()]);
            } else {
                fixedModalityWeights = parseWeights(gf.modalityWeights());
            }
        }
    }

    private NDArray keep(NDArray a) {
        constants.add(a);
        return a;
    }

    private void param(String name, int rows, int cols, Map<String, float[]> initial, float[] init) {
        float[] v = init;
        if (initial != null) {
            v = initial.get(name);
            if (v == null || v.length != rows * cols) {
                throw new IllegalArgumentException("saved model: parameter " + name + " "
                        + (v == null ? "missing" : "has " + v.length + " values, expected " + rows + " x " + cols));
            }
        }
        NDArray a = manager.create(v, new Shape(rows, cols));
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    private float[] parseWeights(String spec) {
        float[] w = new float[modalities.size()];
        Arrays.fill(w, Float.NaN);
        for (String part : spec.split(",")) {
            String[] kv = part.split("=", 2);
            int idx = -1;
            for (int j = 0; j < modalities.size(); j++) {
                if (modalities.get(j).name().equals(kv[0].trim())) {
                    idx = j;
                }
            }
            if (kv.length != 2 || idx < 0) {
                throw new IllegalArgumentException(
                        "--modality-weights: '" + part + "' is not NAME=WEIGHT for a loaded modality");
            }
            w[idx] = Float.parseFloat(kv[1].trim());
        }
        double sum = 0;
        for (int j = 0; j < w.length; j++) {
            if (!(w[j] >= 0)) {
                throw new IllegalArgumentException("--modality-weights: no non-negative weight for modality "
                        + modalities.get(j).name());
            }
            sum += w[j];
        }
        for (int j = 0; j < w.length; j++) {
            w[j] /= (float) sum;
        }
        return w;
    }

    private int channels() {
        return modalities.size() + (gf.idChannel() ? 1 : 0);
    }

    /** Columns of an embedding row: d for MM-GEF, channels × d for RedND. */
    public int embeddingDim() {
        return gf.kind() == GraphFusionConfig.Kind.MMGEF ? dim : channels() * dim;
    }

    public GraphFusionConfig graphConfig() {
        return gf;
    }

    public Map<String, Object> graphStats() {
        return graphStats;
    }

    public int stepsPerEpoch() {
        return sampler.batchesPerEpoch(config.batchSize());
    }

    public long steps() {
        return steps;
    }

    /** One pass over the training edges; returns the mean loss. */
    public double trainEpoch(LightGcnTrainer.StepListener listener) {
        return sampler.epoch(batchUsers, batchPos, batchNeg, config.batchSize(), this::step, listener);
    }

    /** One Adam step on the first b triples; returns the batch loss. */
    public float step(int[] users, int[] pos, int[] neg, int b) {
        steps++;
        float value;
        try (NDManager sub = manager.newSubManager()) {
            attach(sub);
            NDArray u = index(sub, users, 0, b);
            NDArray p = index(sub, pos, 0, b);
            NDArray q = index(sub, neg, 0, b);
            int[] nodes = distinctNodes(users, pos, neg, b);
            NDArray nodeIdx = sub.create(toLong(nodes));
            // the batch is in shuffled order, so its first distinct nodes are a random sample of them
            NDArray sslIdx =
                    nodes.length <= gf.sslNodes() ? nodeIdx : sub.create(toLong(Arrays.copyOf(nodes, gf.sslNodes())));
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                Forward f = forward();
                NDArray loss = BprLoss.ranking(
                        f.users.get(new NDIndex("{}", u)),
                        f.items.get(new NDIndex("{}", p)),
                        f.items.get(new NDIndex("{}", q)));
                loss = loss.add(regularization(u, b, nodeIdx));
                if (f.layer0 != null && gf.sslWeight() > 0) {
                    for (int c = 0; c < f.layer0.size(); c++) {
                        NDArray ssl = InfoNce.inBatch(
                                f.layer0.get(c).get(new NDIndex("{}", sslIdx)),
                                f.neighbourMean.get(c).get(new NDIndex("{}", sslIdx)),
                                (float) gf.temperature(),
                                scalars);
                        loss = loss.add(ssl.mul(scalars.of((float) gf.sslWeight())));
                    }
                }
                collector.backward(loss);
                value = loss.getFloat();
            }
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                adam.update(e.getKey(), e.getValue(), g);
            }
        }
        return value;
    }

    private NDArray regularization(NDArray uIdx, int b, NDArray nodeIdx) {
        NDArray reg = null;
        NDArray e0 = params.get("E0");
        if (e0 != null) { // λ‖E⁽⁰⁾[batch nodes]‖²/B, as LightGCN
            reg = BprLoss.regularization(e0.get(new NDIndex("{}", nodeIdx)), config.lambda(), b, scalars);
        }
        if (gf.kind()
                == GraphFusionConfig.Kind
                        .REDND) { // the reference's: λ · mean square of the batch users' preference rows and weights
            for (ModalityVectors m : modalities) {
                NDArray r = params.get("pref." + m.name())
                        .get(new NDIndex("{}", uIdx))
                        .square()
                        .mean()
                        .mul(scalars.of((float) config.lambda()));
                reg = reg == null ? r : reg.add(r);
            }
            NDArray w = params.get("user_weights")
                    .get(new NDIndex("{}", uIdx))
                    .square()
                    .mean()
                    .mul(scalars.of((float) config.lambda()));
            reg = reg == null ? w : reg.add(w);
        }
        return reg;
    }

    /** Users (U × D) and items (I × D) as scoring sees them, and RedND's per-channel layer 0 / mean of layers 1..K. */
    private record Forward(NDArray users, NDArray items, List<NDArray> layer0, List<NDArray> neighbourMean) {}

    private Forward forward() {
        return gf.kind() == GraphFusionConfig.Kind.MMGEF ? forwardMmgef() : forwardRednd();
    }

    private Forward forwardMmgef() {
        NDArray e0 = params.get("E0");
        NDArray all = lightGcn(e0);
        NDArray users = all.get(new NDIndex("0:" + numUsers));
        NDArray items = all.get(new NDIndex(numUsers + ":"));
        NDArray beta = params.get("attention").softmax(1);
        NDArray bc = beta.get(new NDIndex("0, 0"));
        NDArray bo = beta.get(new NDIndex("0, 1"));
        NDArray h = e0.get(new NDIndex(numUsers + ":")).add(fusedX.matMul(params.get("W")));
        for (int l = 0; l < gf.itemLayers(); l++) {
            h = contentGraph.matMul(h).mul(bc).add(coGraph.matMul(h).mul(bo));
        }
        return new Forward(users, items.mul(warmMask).add(InfoNce.unit(h)), null, null);
    }

    private Forward forwardRednd() {
        // every channel's layer 0 side by side, N × C·d, so each layer is one sparse product for all channels
        List<NDArray> channels = new ArrayList<>();
        for (int j = 0; j < modalities.size(); j++) {
            String n = modalities.get(j).name();
            NDArray hidden = Activation.leakyRelu(
                    features.get(j).matMul(params.get("mlp1." + n)).add(params.get("bias1." + n)), 0.01f);
            NDArray itemRows = hidden.matMul(params.get("mlp2." + n))
                    .add(params.get("bias2." + n))
                    .mul(featureMasks.get(j));
            channels.add(InfoNce.unit(NDArrays.concat(new NDList(params.get("pref." + n), itemRows), 0)));
        }
        if (gf.idChannel()) {
            channels.add(params.get("E0"));
        }
        NDArray x0 = channels.size() == 1 ? channels.get(0) : NDArrays.concat(new NDList(channels), 1);
        NDArray cur = x0;
        NDArray sumUpper = null;
        for (int l = 0; l < config.layers(); l++) {
            cur = userItem.matMul(cur);
            sumUpper = sumUpper == null ? cur : sumUpper.add(cur);
        }
        NDArray all = sumUpper == null ? x0 : x0.add(sumUpper);
        List<NDArray> userParts = new ArrayList<>();
        List<NDArray> itemParts = new ArrayList<>();
        List<NDArray> layer0 = new ArrayList<>();
        List<NDArray> means = new ArrayList<>();
        NDArray userWeights = params.get("user_weights").softmax(1);
        for (int c = 0; c < channels.size(); c++) {
            NDIndex cols = new NDIndex(":, " + c * dim + ":" + (c + 1) * dim);
            NDArray rep = all.get(cols);
            NDArray weight = userWeights.get(new NDIndex(":, " + c + ":" + (c + 1)));
            if (c < modalities.size()) { // a content channel: the sum of its layers
                layer0.add(channels.get(c));
                means.add(
                        sumUpper == null ? channels.get(c) : sumUpper.get(cols).mul(scalars.of(1f / config.layers())));
                userParts.add(rep.get(new NDIndex("0:" + numUsers)).mul(weight));
                itemParts.add(rep.get(new NDIndex(numUsers + ":")));
            } else { // the id channel: LightGCN's mean of layers
                NDArray id = config.layers() == 0 ? rep : rep.mul(scalars.of(config.layerScale()));
                userParts.add(id.get(new NDIndex("0:" + numUsers)).mul(weight));
                itemParts.add(id.get(new NDIndex(numUsers + ":")).mul(warmMask));
            }
        }
        NDArray users = NDArrays.concat(new NDList(userParts), 1);
        NDArray items = NDArrays.concat(new NDList(itemParts), 1);
        // one hop over the frozen item–item graph Σ_m β_m Â_m
        NDArray hop = null;
        NDArray beta =
                fixedModalityWeights == null ? params.get("modality_weights").softmax(1) : null;
        for (int j = 0; j < modalityGraphs.size(); j++) {
            NDArray t = modalityGraphs.get(j).matMul(items);
            t = beta != null ? t.mul(beta.get(new NDIndex("0, " + j))) : t.mul(scalars.of(fixedModalityWeights[j]));
            hop = hop == null ? t : hop.add(t);
        }
        return new Forward(users, items.add(hop), layer0, means);
    }

    /** LightGCN: the mean of layers 0..K of the user–item propagation. */
    private NDArray lightGcn(NDArray e0) {
        return CooAdjacency.layerMean(
                userItem, e0, config.layers(), config.layers() == 0 ? 1f : config.layerScale(), scalars);
    }

    /** The embeddings scoring uses, (U + I) × {@link #embeddingDim()}, users first. */
    public float[] finalEmbeddings() {
        try (NDManager sub = manager.newSubManager()) {
            attach(sub);
            Forward f = forward();
            return NDArrays.concat(new NDList(f.users, f.items), 0).toFloatArray();
        }
    }

    /** The parameters' current values by name (what a saved model stores and {@link #restore} takes). */
    public Map<String, float[]> parameters() {
        Map<String, float[]> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    /** Shapes of the parameters, rows × cols, by name. */
    public Map<String, int[]> parameterShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(
                k, new int[] {(int) v.getShape().get(0), (int) v.getShape().get(1)}));
        return m;
    }

    public void restore(Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            e.getValue().set(FloatBuffer.wrap(values.get(e.getKey())));
        }
    }

    /**
     * Starts from an earlier version's parameters: E⁽⁰⁾ as given (already laid out for this graph); a
     * parameter with one row per user keeps the earlier users' rows (new users keep their fresh init);
     * any other parameter of the same size is taken as it was. What does not fit keeps its fresh init.
     */
    public void carryOver(Map<String, float[]> previous, int previousUsers, float[] e0) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            float[] now = p.toFloatArray();
            float[] old = e.getKey().equals("E0") ? e0 : previous.get(e.getKey());
            if (old == null) {
                continue;
            }
            int rows = (int) p.getShape().get(0);
            int cols = (int) p.getShape().get(1);
            if (old.length == now.length && !(rows == numUsers && previousUsers != numUsers)) {
                p.set(FloatBuffer.wrap(old));
            } else if (rows == numUsers && old.length == (long) previousUsers * cols && previousUsers <= numUsers) {
                System.arraycopy(old, 0, now, 0, old.length);
                p.set(FloatBuffer.wrap(now));
            }
        }
    }

    /** What the model learned besides embeddings, for logs and the saved model. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(gf.toMap());
        m.put("modalities", modalities.stream().map(ModalityVectors::name).toList());
        m.putAll(graphStats);
        if (params.containsKey("attention")) {
            float[] a = softmax(params.get("attention").toFloatArray());
            m.put("attention_content", round(a[0]));
            m.put("attention_co_interaction", round(a[1]));
        }
        if (params.containsKey("modality_weights")) {
            float[] w = softmax(params.get("modality_weights").toFloatArray());
            Map<String, Object> mw = new LinkedHashMap<>();
            for (int j = 0; j < w.length; j++) {
                mw.put(modalities.get(j).name(), round(w[j]));
            }
            m.put("modality_weights_learned", mw);
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    private static float[] softmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double s = 0;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) Math.exp(x[i] - max);
            s += out[i];
        }
        for (int i = 0; i < x.length; i++) {
            out[i] /= (float) s;
        }
        return out;
    }

    private void attach(NDManager sub) {
        for (NDArray a : constants) {
            a.tempAttach(sub);
        }
        for (NDArray a : params.values()) {
            a.tempAttach(sub);
        }
    }

    private static NDArray index(NDManager sub, int[] ids, int offset, int b) {
        long[] l = new long[b];
        for (int k = 0; k < b; k++) {
            l[k] = (long) ids[k] + offset;
        }
        return sub.create(l);
    }

    private static long[] toLong(int[] a) {
        long[] l = new long[a.length];
        for (int k = 0; k < a.length; k++) {
            l[k] = a[k];
        }
        return l;
    }

    /** The batch's distinct nodes (users, then U + item). */
    private int[] distinctNodes(int[] users, int[] pos, int[] neg, int b) {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(nodeStamp, 0);
            stamp = 1;
        }
        int[] out = new int[3 * b];
        int n = 0;
        for (int k = 0; k < b; k++) {
            n = mark(users[k], out, n);
            n = mark(numUsers + pos[k], out, n);
            n = mark(numUsers + neg[k], out, n);
        }
        return Arrays.copyOf(out, n);
    }

    private int mark(int node, int[] out, int n) {
        if (nodeStamp[node] != stamp) {
            nodeStamp[node] = stamp;
            out[n++] = node;
        }
        return n;
    }

    private static float[] uniform(int n, float bound, SplittableRandom r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    /** Xavier-normal for a rows × cols matrix: N(0, 2 / (rows + cols)). */
    private static float[] xavierNormal(int rows, int cols, SplittableRandom r) {
        double std = Math.sqrt(2.0 / (rows + cols));
        float[] v = new float[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (r.nextGaussian() * std);
        }
        return v;
    }

    @Override
    public void close() {
        manager.close();
    }
}
