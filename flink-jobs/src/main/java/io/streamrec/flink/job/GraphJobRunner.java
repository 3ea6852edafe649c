package io.streamrec.flink.job;

import io.streamrec.flink.io.EmbeddingsFeed;
import io.streamrec.flink.io.KafkaGraphIo;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Configures Flink for the graph job (RocksDB, incremental retained checkpoints, exactly-once) and submits it. */
public final class GraphJobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(GraphJobRunner.class);
    public static final String JOB_NAME = "streamrec graph job";

    private GraphJobRunner() {}

    /** The Flink configuration the job needs; anything in {@code base} is kept unless the job must own it. */
    public static Configuration flinkConfiguration(GraphJobConfig cfg, Configuration base) {
        Configuration c = new Configuration(base);
        set(c, "state.backend.type", "rocksdb");
        set(c, "execution.checkpointing.incremental", "true");
        set(c, "execution.checkpointing.dir", cfg.checkpointDir());
        set(c, "execution.checkpointing.interval", cfg.checkpointInterval().toMillis() + " ms");
        set(c, "execution.checkpointing.mode", "EXACTLY_ONCE");
        set(c, "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        set(c, "execution.checkpointing.num-retained", "3");
        set(
                c,
                "execution.checkpointing.min-pause",
                Math.min(cfg.checkpointInterval().toMillis() / 2, 1000) + " ms");
        set(c, "pipeline.object-reuse", "true");
        // Restarts after a failure: Flink's default exponential backoff resets only after an hour of
        // stability, so in a chaos run of 10 kills the 10th recovery took 31 s against 2 s for the 1st
        // (BENCHMARKS.md §11). Here it starts at 0.5 s, stops growing at 5 s and resets after 30 s up.
        // A cluster's own restart-strategy settings win.
        setIfAbsent(c, base, "restart-strategy.type", "exponential-delay");
        setIfAbsent(c, base, "restart-strategy.exponential-delay.initial-backoff", "500 ms");
        setIfAbsent(c, base, "restart-strategy.exponential-delay.max-backoff", "5 s");
        setIfAbsent(c, base, "restart-strategy.exponential-delay.backoff-multiplier", "1.5");
        setIfAbsent(c, base, "restart-strategy.exponential-delay.reset-backoff-threshold", "30 s");
        // most lookups in the adjacency are misses (a new edge): bloom filters answer them without reading SST files
        set(c, "state.backend.rocksdb.use-bloom-filter", "true");
        if (cfg.restorePath() != null) {
            set(c, "execution.state-recovery.path", cfg.restorePath());
        }
        if (cfg.parallelism() > 0) {
            set(c, "parallelism.default", String.valueOf(cfg.parallelism()));
        }
        return c;
    }

    /**
     * Settings for a job run in a local MiniCluster (ignored by a real cluster, whose TaskManagers
     * fix their memory at start-up): 1 GiB managed memory, RocksDB's cache and write buffers.
     * Flink's local default (128 MiB) made RocksDB flush and compact so often that one adjacency
     * task managed ~25k events/s (BENCHMARKS.md §4).
     */
    public static Configuration localDefaults() {
        Configuration c = new Configuration();
        set(c, "taskmanager.memory.managed.size", "1g");
        return c;
    }

    /** The environment with the job built in it, not started. */
    private static StreamExecutionEnvironment environment(GraphJobConfig cfg, Configuration base) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(cfg, base));
        env.getConfig().enableObjectReuse(); // no function keeps a record it received or emitted
        GraphJob.build(
                env,
                cfg,
                KafkaGraphIo.source(cfg),
                cfg.serving().enabled() ? KafkaGraphIo.embeddingsSource(cfg) : null,
                new EmbeddingsFeed(cfg.bootstrapServers(), cfg.topics().embeddings(), cfg.kafkaProperties()),
                KafkaGraphIo.sinks(cfg));
        return env;
    }

    /**
     * The job as a {@link JobGraph}, for submitting to a cluster held by the caller (a MiniCluster
     * whose TaskManagers a test kills); {@code cfg.restorePath()} becomes its restore settings.
     */
    public static JobGraph jobGraph(GraphJobConfig cfg, Configuration base) {
        JobGraph g = environment(cfg, base).getStreamGraph().getJobGraph();
        if (cfg.restorePath() != null) {
            g.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(cfg.restorePath()));
        }
        return g;
    }

    private static void setIfAbsent(Configuration c, Configuration base, String key, String value) {
        if (!base.containsKey(key)) {
            set(c, key, value);
        }
    }

    private static void set(Configuration c, String key, String value) {
        c.set(ConfigOptions.key(key).stringType().noDefaultValue(), value);
    }

    /** Builds the job against Kafka and starts it (a local MiniCluster unless submitted to a cluster). */
    public static JobClient start(GraphJobConfig cfg, Configuration base) throws Exception {
        JobClient client = environment(cfg, base).executeAsync(JOB_NAME);
        LOG.info(
                "Started {} ({}): {} -> {} ({} partitions), checkpoints every {} in {}{}",
                JOB_NAME,
                client.getJobID(),
                cfg.topics().interactions(),
                cfg.topics().graphEdges(),
                cfg.edgesPartitions(),
                cfg.checkpointInterval(),
                cfg.checkpointDir(),
                cfg.restorePath() == null ? "" : ", restored from " + cfg.restorePath());
        return client;
    }
}
