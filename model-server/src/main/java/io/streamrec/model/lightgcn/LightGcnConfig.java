package io.streamrec.model.lightgcn;

import io.streamrec.common.Defaults;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyper-parameters of LightGCN training (docs/METHODS.md §1). Defaults are the LightGCN paper's
 * (K = 3, d = 64, lr = 0.001, batch 2048, λ = 1e-4).
 */
public final class LightGcnConfig {
    /** How negatives are drawn: from all items (the study's and docs/METHODS.md §1's rule) or from items the user has not seen. */
    public enum Negatives {
        UNIFORM,
        UNSEEN
    }

    /** Which implementation of propagation + gradient runs the step. */
    public enum Backend {
        /** Multi-threaded Java CSR propagation with the symmetric-gradient identity; loss and Adam on DJL. CPU only. */
        CSR,
        /** DJL autograd through PyTorch's sparse COO matmul: the reference, and the GPU path. */
        DJL,
        /** CSR on the CPU, DJL on a GPU. */
        AUTO
    }

    private final int layers;
    private final int dim;
    private final double learningRate;
    private final int batchSize;
    private final double lambda;
    private final long seed;
    private final Negatives negatives;
    private final Backend backend;
    private final int threads;
    /** Layers the study meant but did not propagate (docs/METHODS.md §6 caution); 0 = ordinary model. */
    private final int studyDegenerateLayers;

    private final double edgeDropout;

    private LightGcnConfig(Builder b) {
        if (b.layers < 0 || b.layers > 16) {
            throw new IllegalArgumentException("layers must be in [0, 16], got " + b.layers);
        }
        if (b.dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + b.dim);
        }
        if (!(b.learningRate > 0) || Double.isInfinite(b.learningRate)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + b.learningRate);
        }
        if (b.batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + b.batchSize);
        }
        if (!(b.lambda >= 0) || Double.isInfinite(b.lambda)) {
            throw new IllegalArgumentException("lambda must be >= 0, got " + b.lambda);
        }
        if (b.studyDegenerateLayers < 0) {
            throw new IllegalArgumentException("study-degenerate layers must be >= 0");
        }
        if (b.studyDegenerateLayers > 0 && b.layers != 0) {
            throw new IllegalArgumentException(
                    "the study's degenerate K-layer model propagates nothing: use layers = 0 with it");
        }
        if (!(b.edgeDropout >= 0 && b.edgeDropout < 1)) {
            throw new IllegalArgumentException("edge dropout must be in [0, 1), got " + b.edgeDropout);
        }
        this.edgeDropout = b.edgeDropout;
        this.layers = b.layers;
        this.dim = b.dim;
        this.learningRate = b.learningRate;
        this.batchSize = b.batchSize;
        this.lambda = b.lambda;
        this.seed = b.seed;
        this.negatives = b.negatives;
        this.backend = b.backend;
        this.threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        this.studyDegenerateLayers = b.studyDegenerateLayers;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .setLayers(layers)
                .setDim(dim)
                .optLearningRate(learningRate)
                .optBatchSize(batchSize)
                .optLambda(lambda)
                .optSeed(seed)
                .optNegatives(negatives)
                .optBackend(backend)
                .optThreads(threads)
                .optStudyDegenerateLayers(studyDegenerateLayers)
                .optEdgeDropout(edgeDropout);
    }

    /** Fraction of training edges left out of the propagation graph, redrawn every epoch (0 = off). */
    public double edgeDropout() {
        return edgeDropout;
    }

    public int layers() {
        return layers;
    }

    public int dim() {
        return dim;
    }

    public double learningRate() {
        return learningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    public double lambda() {
        return lambda;
    }

    public long seed() {
        return seed;
    }

    public Negatives negatives() {
        return negatives;
    }

    public Backend backend() {
        return backend;
    }

    public int threads() {
        return threads;
    }

    public int studyDegenerateLayers() {
        return studyDegenerateLayers;
    }

    /**
     * The factor on the layer sum: 1/(K+1) for the mean of layers 0..K; for the study's
     * degenerate model, 1/(K'+1) on the layer-0 table alone, so scores scale by 1/(K'+1)².
     */
    public float layerScale() {
        return 1f / ((studyDegenerateLayers > 0 ? studyDegenerateLayers : layers) + 1);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", layers);
        m.put("dim", dim);
        m.put("learning_rate", learningRate);
        m.put("batch_size", batchSize);
        m.put("lambda", lambda);
        m.put("seed", seed);
        m.put("negatives", negatives.name().toLowerCase());
        m.put("backend", backend.name().toLowerCase());
        m.put("threads", threads);
        m.put("study_degenerate_layers", studyDegenerateLayers);
        m.put("edge_dropout", edgeDropout);
        return m;
    }

    /** Builder: required settings are {@code setX}, optional ones {@code optX}. */
    public static final class Builder {
        private int layers = Integer.parseInt(Defaults.LAYERS);
        private int dim = Integer.parseInt(Defaults.DIM);
        private double learningRate = Double.parseDouble(Defaults.LEARNING_RATE);
        private int batchSize = Integer.parseInt(Defaults.BATCH_SIZE);
        private double lambda = Double.parseDouble(Defaults.LAMBDA);
        private long seed = Long.parseLong(Defaults.SEED);
        private Negatives negatives = Negatives.UNIFORM;
        private Backend backend = Backend.AUTO;
        private int threads;
        private int studyDegenerateLayers;
        private double edgeDropout;

        public Builder optEdgeDropout(double p) {
            this.edgeDropout = p;
            return this;
        }

        public Builder setLayers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder setDim(int dim) {
            this.dim = dim;
            return this;
        }

        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optLambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optNegatives(Negatives negatives) {
            this.negatives = negatives;
            return this;
        }

        public Builder optBackend(Backend backend) {
            this.backend = backend;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optStudyDegenerateLayers(int k) {
            this.studyDegenerateLayers = k;
            return this;
        }

        public LightGcnConfig build() {
            return new LightGcnConfig(this);
        }
    }
}
