package io.streamrec.flink.job;

import io.streamrec.common.Defaults;
import io.streamrec.common.Durations;
import io.streamrec.common.cli.Settings;
import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.serving.ServingOptions;
import io.streamrec.schemas.InteractionValidator;
import io.streamrec.schemas.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Entry point of the graph job, on a cluster ({@code flink run -c io.streamrec.flink.job.GraphJobMain
 * streamrec-flink-jobs-job.jar ...}) or locally (a MiniCluster in this JVM).
 */
@Command(
        name = "graph-job",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Streams interactions from Kafka into the user-item graph (RocksDB keyed state) and writes the edge "
                    + "changelog, training triggers and dead letters back to Kafka, exactly once; serves the model versions "
                    + "on the embeddings topic (top-K recommendations, rolling NDCG).",
            "Every option can also be set as an environment variable: --trigger-edges is STREAMREC_TRIGGER_EDGES."
        })
public final class GraphJobMain implements Callable<Integer> {
    @Option(
            names = "--bootstrap-servers",
            defaultValue = Defaults.BOOTSTRAP_SERVERS,
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
            names = "--topic-prefix",
            defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of every topic name. Default: ${DEFAULT-VALUE}.")
    String topicPrefix;

    @Option(
            names = "--group-id",
            defaultValue = Defaults.GROUP_ID,
            description = "Consumer group, and prefix of the sinks' transactional ids. Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(
            names = "--parallelism",
            defaultValue = "0",
            description = "Parallelism of the keyed stages (0: Flink's default). Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--create-topics",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Create missing topics with their settings before starting (--no-create-topics: require them). Default: ${DEFAULT-VALUE}.")
    boolean createTopics;

    @Option(
            names = "--partitions",
            defaultValue = Defaults.PARTITIONS,
            description = "Partitions of topics this job creates. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--replication",
            defaultValue = "1",
            description = "Replication factor of topics this job creates. Default: ${DEFAULT-VALUE}.")
    short replication;

    @Option(
            names = "--trigger-edges",
            defaultValue = Defaults.TRIGGER_EDGES,
            description = "Emit a training trigger after this many changelog edges. Default: ${DEFAULT-VALUE}.")
    long triggerEdges;

    @Option(
            names = "--trigger-interval",
            defaultValue = Defaults.TRIGGER_INTERVAL,
            converter = Durations.class,
            description =
                    "...or after this long, if any edge arrived since the last trigger. Default: ${DEFAULT-VALUE}.")
    Duration triggerInterval;

    @Option(
            names = "--max-id-length",
            defaultValue = "" + InteractionValidator.DEFAULT_MAX_ID_LENGTH,
            description = "Longest accepted user or item id, in characters. Default: ${DEFAULT-VALUE}.")
    int maxIdLength;

    @Option(
            names = "--max-record-bytes",
            defaultValue = "" + InteractionValidator.DEFAULT_MAX_RECORD_BYTES,
            description = "Largest accepted interaction record. Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(
            names = "--max-future-skew",
            defaultValue = "1d",
            converter = Durations.class,
            description = "How far event time may lie ahead of the clock. Default: ${DEFAULT-VALUE}.")
    Duration maxFutureSkew;

    @Option(
            names = "--state-ttl",
            defaultValue = "0",
            converter = Durations.class,
            description =
                    "Forget a user's adjacency after this long without interactions (0: never). Expiry emits no changelog removals. Default: ${DEFAULT-VALUE}.")
    Duration stateTtl;

    @Option(
            names = "--checkpoint-dir",
            defaultValue = GraphJobConfig.DEFAULT_CHECKPOINT_DIR,
            description =
                    "Where checkpoints go: a path every TaskManager and the JobManager share on a cluster (s3://, hdfs://). Default: ${DEFAULT-VALUE}.")
    String checkpointDir;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = Defaults.CHECKPOINT_INTERVAL,
            converter = Durations.class,
            description =
                    "Checkpoint interval; also how often the changelog becomes visible to read_committed consumers. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--restore-latest",
            description = "Start from the latest checkpoint under --checkpoint-dir (fails when there is none).")
    boolean restoreLatest;

    @Option(names = "--restore-from", description = "Start from this checkpoint or savepoint path.")
    String restoreFrom;

    @Option(
            names = "--transaction-timeout",
            defaultValue = GraphJobConfig.DEFAULT_TRANSACTION_TIMEOUT,
            converter = Durations.class,
            description =
                    "Kafka transaction timeout of the exactly-once sinks (at most the broker's transaction.max.timeout.ms). Default: ${DEFAULT-VALUE}.")
    Duration transactionTimeout;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "Extra Kafka client property for the source, sinks and admin (repeatable), e.g. security.protocol=SSL.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Mixin
    ServingOptions servingOptions = new ServingOptions();

    @Option(
            names = "--item-degrees",
            description = "Also keep each item's degree in keyed state (one shuffle and one state update "
                    + "per edge; nothing in the job reads it). Default: off.")
    boolean itemDegrees;

    @Option(names = "--detached", description = "Return once the job is submitted instead of waiting for it to end.")
    boolean detached;

    GraphJobConfig config() {
        if (restoreLatest && restoreFrom != null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--restore-latest and --restore-from exclude each other");
        }
        String restore = restoreFrom;
        if (restoreLatest) {
            restore = Checkpoints.latest(checkpointDir);
            if (restore == null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--restore-latest: no complete checkpoint under " + checkpointDir);
            }
        }
        return GraphJobConfig.builder(bootstrapServers, new Topics(topicPrefix))
                .groupId(groupId)
                .parallelism(parallelism)
                .triggerEdges(triggerEdges)
                .triggerInterval(triggerInterval)
                .validator(new InteractionValidator(maxIdLength, maxRecordBytes, maxFutureSkew))
                .stateTtl(stateTtl)
                .checkpointDir(checkpointDir)
                .checkpointInterval(checkpointInterval)
                .restorePath(restore)
                .transactionTimeout(transactionTimeout)
                .kafkaProperties(kafkaProperties)
                .serving(servingOptions.config())
                .itemDegrees(itemDegrees)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        GraphJobConfig cfg = config();
        Topics topics = cfg.topics();
        int edgePartitions = createTopics
                ? TopicProvisioner.ensureTopics(bootstrapServers, kafkaProperties, topics, partitions, replication)
                        .get(topics.graphEdges())
                : TopicProvisioner.partitionsOf(bootstrapServers, kafkaProperties, topics.graphEdges());
        JobClient client =
                GraphJobRunner.start(cfg.withEdgesPartitions(edgePartitions), GraphJobRunner.localDefaults());
        if (!detached) {
            client.getJobExecutionResult().get();
        }
        return 0;
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GraphJobMain());
        cli.setDefaultValueProvider(Settings.fromEnvironment());
        return cli;
    }

    /**
     * Runs inside {@code flink run} (or a JobManager in application mode), so it never calls
     * System.exit: failures propagate to Flink's client, bad arguments become an exception after
     * picocli has printed what is wrong.
     */
    public static void main(String[] args) throws Exception {
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            throw ex;
        });
        int rc = cli.execute(args);
        if (rc != 0) {
            throw new IllegalArgumentException("graph-job exited with code " + rc + ": "
                    + (rc == 2
                            ? "invalid arguments (see above; --help " + "lists the options)"
                            : "the error is above"));
        }
    }
}
