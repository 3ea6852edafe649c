package io.streamrec.common;

/**
 * The one default of every setting that more than one command has. An option declares
 * {@code defaultValue = Defaults.X}; code that builds a configuration without a command line
 * parses the same constant. Strings, because picocli annotations need compile-time constants.
 * docs/CONFIGURATION.md lists every option with its default, and explains, under "Defaults that
 * differ between commands", each option name whose default is not one of these.
 */
public final class Defaults {
    private Defaults() {}

    // Kafka
    /** Kafka bootstrap servers: the local broker of {@code ./streamrec pipeline} and the docs' examples. */
    public static final String BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    /** The graph job's consumer group, and the prefix of its sinks' transactional ids. */
    public static final String GROUP_ID = "streamrec-graph-job";
    /** Partitions of the topics a command creates. */
    public static final String PARTITIONS = "4";

    // The graph job
    /** Checkpoint interval: also how often the changelog becomes visible to read_committed consumers. */
    public static final String CHECKPOINT_INTERVAL = "2s";
    /** Changelog edges after which the graph job emits a training trigger. */
    public static final String TRIGGER_EDGES = "50000";
    /** ...or the time after which it does, if any edge arrived since the last trigger. */
    public static final String TRIGGER_INTERVAL = "30s";

    // Serving
    /** Recommendations per user. */
    public static final String TOP_K = "10";
    /** HNSW graph degree. */
    public static final String HNSW_M = "32";
    /** HNSW construction beam width. */
    public static final String HNSW_BEAM_WIDTH = "100";
    /** HNSW search beam (candidates kept per query). */
    public static final String HNSW_EF = "40";

    // Models
    /** Embedding dimension d. */
    public static final String DIM = "64";
    /** Propagation layers K of LightGCN trained from scratch (the study's setting). */
    public static final String LAYERS = "3";
    /** Propagation layers K of the model server's fine-tuning: a K-hop subgraph per step, so one layer fewer. */
    public static final String FINE_TUNE_LAYERS = "2";
    /** Adam learning rate of training from scratch (LightGCN's). */
    public static final String LEARNING_RATE = "0.001";
    /** Adam learning rate of fine-tuning a warm model on a version's edges (a few hundred steps). */
    public static final String FINE_TUNE_LEARNING_RATE = "0.005";
    /** BPR triples per step of training from scratch. */
    public static final String BATCH_SIZE = "2048";
    /** BPR triples per fine-tuning step. */
    public static final String FINE_TUNE_BATCH_SIZE = "1024";
    /** L2 weight on the batch's layer-0 rows. */
    public static final String LAMBDA = "1e-4";
    /** Seed of initialisation, shuffling and negatives. */
    public static final String SEED = "19";
    /** auto (CUDA when present), cpu or gpu. */
    public static final String DEVICE = "auto";
    /** Training backend: csr, djl or auto. */
    public static final String BACKEND = "auto";
    /** CPU threads for propagation; 0 = all cores. */
    public static final String THREADS = "0";
    /** Share of a fine-tuning version's triples drawn from replayed (old) edges. */
    public static final String REPLAY_FRACTION = "0.5";
    /** Late fusion: the initial weight of the content channel. */
    public static final String ALPHA_INIT = "0.5";
    /** Neighbours per item in the content kNN graph. */
    public static final String KNN_K = "10";
    /** Below this many items the content kNN graph is exact; above, HNSW. */
    public static final String KNN_EXACT_BELOW = "5000";

    // The synthetic world
    /** How fast users' tastes drift, per event. */
    public static final String DRIFT = "0.002";
    /** A new item arrives every this many events. */
    public static final String NEW_ITEM_EVERY = "250";
}
