package io.streamrec.launcher;

import io.streamrec.common.Defaults;
import io.streamrec.common.Durations;
import io.streamrec.flink.serving.ServingOptions;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.launcher.dashboard.Dashboard;
import io.streamrec.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The closed loop on one machine ({@link LocalLoop}: broker, graph job with serving, model server,
 * synthetic world), state and logs under one directory, a status line every few seconds. Ctrl-C
 * stops it; running it again resumes: the graph job from its latest checkpoint (no accepted event
 * lost or counted twice), the model server from its snapshot, the world where it stopped.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the whole loop on this machine: an embedded Kafka broker (KRaft), the graph job with serving "
                    + "on a local Flink cluster, the model server, and a synthetic world (users with drifting tastes, items "
                    + "arriving with text, popularity skew) producing interactions. Prints progress and the rolling NDCG. "
                    + "Produce your own interactions (Avro or JSON) to <prefix>interactions on the printed bootstrap address. "
                    + "Ctrl-C stops; a re-run resumes (graph job from its checkpoint, model server from its snapshot, world "
                    + "where it stopped)."
        })
public final class PipelineCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineCommand.class);

    @Option(
            names = "--dir",
            defaultValue = "runs/pipeline",
            description = "State directory (Kafka log, checkpoints). Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Port of the embedded broker (0: any free port). Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(
            names = "--topic-prefix",
            defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of every topic name. Default: ${DEFAULT-VALUE}.")
    String topicPrefix;

    @Option(
            names = "--partitions",
            defaultValue = Defaults.PARTITIONS,
            description = "Partitions of the keyed topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism of the graph job. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--trigger-edges",
            defaultValue = Defaults.TRIGGER_EDGES,
            description = "Training trigger every this many changelog edges. Default: ${DEFAULT-VALUE}.")
    long triggerEdges;

    @Option(
            names = "--trigger-interval",
            defaultValue = Defaults.TRIGGER_INTERVAL,
            converter = Durations.class,
            description = "...or this often. Default: ${DEFAULT-VALUE}.")
    Duration triggerInterval;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = Defaults.CHECKPOINT_INTERVAL,
            converter = Durations.class,
            description = "Checkpoint interval. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--fresh",
            description = "Ignore existing checkpoints and start the graph job from the topics' beginning "
                    + "(the world and the model server still resume; delete --dir for a new world).")
    boolean fresh;

    @Option(
            names = "--status-every",
            defaultValue = "10s",
            converter = Durations.class,
            description = "How often to print a status line. Default: ${DEFAULT-VALUE}.")
    Duration statusEvery;

    @Option(
            names = "--generate-rate",
            defaultValue = "500",
            description =
                    "Interactions per second of the built-in synthetic world (0: none; produce your own). Default: ${DEFAULT-VALUE}.")
    double generateRate;

    @Option(
            names = "--world-users",
            defaultValue = "5000",
            description = "Users of the synthetic world. Default: ${DEFAULT-VALUE}.")
    int worldUsers;

    @Option(
            names = "--world-items",
            defaultValue = "800",
            description = "Items of the synthetic world at its start. Default: ${DEFAULT-VALUE}.")
    int worldItems;

    @Option(
            names = "--new-item-every",
            defaultValue = Defaults.NEW_ITEM_EVERY,
            description =
                    "A new item (with text, before any interaction) arrives every this many interactions (0: never). Default: ${DEFAULT-VALUE}.")
    int newItemEvery;

    @Option(
            names = "--drift",
            defaultValue = Defaults.DRIFT,
            description =
                    "Per interaction, the chance that the user's taste moves half way to another topic. Default: ${DEFAULT-VALUE}.")
    double drift;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed of the synthetic world. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--model-server",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Run the model server (a child JVM; its log is <dir>/model-server.log). Default: ${DEFAULT-VALUE}.")
    boolean modelServer;

    @Option(
            names = "--model-http",
            defaultValue = "127.0.0.1:9464",
            description = "Health and Prometheus metrics of the model server (off: none). Default: ${DEFAULT-VALUE}.")
    String modelHttp;

    @Option(
            names = "--model-heap",
            defaultValue = "3g",
            description = "Java heap of the model server. Default: ${DEFAULT-VALUE}.")
    String modelHeap;

    @Option(
            names = "--model-arg",
            paramLabel = "ARG",
            description =
                    "Extra argument for the model server's serve command (repeatable), e.g. --model-arg=--version-seconds=30.")
    List<String> modelArgs = new ArrayList<>();

    @Option(
            names = "--dashboard-port",
            defaultValue = "" + DashboardCommand.DEFAULT_PORT,
            description =
                    "Port of the operator dashboard on 127.0.0.1 (-1: none; 0: any free port). Default: ${DEFAULT-VALUE}.")
    int dashboardPort;

    @Option(
            names = "--flink-metrics-port",
            defaultValue = "9249",
            description =
                    "Port of Flink's Prometheus reporter on the local cluster (operators, checkpoints, Kafka clients; -1: none). "
                            + "Default: ${DEFAULT-VALUE}.")
    int flinkMetricsPort;

    @Mixin
    ServingOptions servingOptions = new ServingOptions();

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        if (generateRate < 0
                || worldUsers < 1
                || worldItems < 8
                || newItemEvery < 0
                || !(drift >= 0 && drift <= 1)
                || partitions < 1
                || parallelism < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--generate-rate must be >= 0, --world-users >= 1, --world-items >= 8, --new-item-every >= 0, --drift in [0, 1], "
                            + "--partitions and --parallelism >= 1");
        }
        List<String> serverArgs = null;
        if (modelServer) {
            serverArgs = new ArrayList<>(List.of("--http", modelHttp));
            serverArgs.addAll(modelArgs);
        }
        LocalLoop loop = LocalLoop.start(new LocalLoop.Settings(
                dir,
                kafkaPort,
                new Topics(topicPrefix),
                partitions,
                parallelism,
                triggerEdges,
                triggerInterval,
                checkpointInterval,
                fresh,
                servingOptions.config(),
                generateRate == 0
                        ? null
                        : new LocalLoop.WorldSettings(
                                generateRate, seed, worldUsers, worldItems, newItemEvery, drift, true),
                serverArgs,
                modelHeap,
                flinkMetricsPort));
        System.out.println("streamrec pipeline running. Kafka: " + loop.bootstrap() + "  topics: " + topicPrefix + "*  "
                + (loop.restoredFrom == null ? "(fresh start)" : "(resumed from " + loop.restoredFrom + ")")
                + "  Ctrl-C stops.");
        Dashboard dashboard = null;
        if (dashboardPort >= 0) {
            try {
                dashboard = Dashboard.start(new Dashboard.Settings(
                        loop.bootstrap(),
                        Map.of(),
                        loop.config.topics(),
                        loop.config.groupId(),
                        "127.0.0.1",
                        dashboardPort,
                        modelServer && !modelHttp.equals("off") ? "http://" + modelHttp + "/metrics" : null));
                if (loop.generator != null) {
                    WorldProducer world = loop.generator;
                    int users = worldUsers;
                    dashboard.addMetrics(p -> p.counter(
                                    "streamrec_world_interactions_total",
                                    "Interactions the synthetic world sent in this run",
                                    world.produced())
                            .counter(
                                    "streamrec_world_malformed_total",
                                    "Malformed records the world sent on purpose (dead-letter demo)",
                                    world.malformedSent())
                            .gauge(
                                    "streamrec_world_position",
                                    "Interactions the world has generated since it began (earlier runs included)",
                                    world.position())
                            .gauge(
                                    "streamrec_world_items",
                                    "Items the world has announced on the items topic",
                                    world.catalogSize())
                            .gauge("streamrec_world_users", "Users of the synthetic world", users)
                            .gauge(
                                    "streamrec_world_rate",
                                    "Interactions per second the world is set to send",
                                    generateRate));
                }
                System.out.println("Dashboard: " + dashboard.url() + "  (Prometheus: " + dashboard.url() + "metrics)");
            } catch (IOException e) {
                LOG.warn(
                        "No dashboard: port {} on 127.0.0.1 cannot be opened ({}); --dashboard-port picks another",
                        dashboardPort,
                        e.getMessage());
            }
        }
        JobClient job = loop.job;
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch statusClosed = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stopping = true;
                    try {
                        statusClosed.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    loop.close();
                    stopped.countDown();
                },
                "streamrec-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (PipelineStatus status =
                new PipelineStatus(loop.bootstrap(), loop.config.topics(), loop.config.groupId())) {
            long next = System.nanoTime() + statusEvery.toNanos();
            while (!stopping && !job.getJobExecutionResult().isDone()) {
                Thread.sleep(100);
                if (stopping || job.getJobExecutionResult().isDone() || System.nanoTime() < next) {
                    continue;
                }
                next = System.nanoTime() + statusEvery.toNanos();
                loop.saveWorld();
                try {
                    String gaveUp = loop.modelServer == null ? null : loop.modelServer.gaveUp();
                    LOG.info(status.line() + (gaveUp == null ? "" : "; MODEL SERVER STOPPED: " + gaveUp));
                } catch (Exception e) {
                    LOG.debug("status: {}", e.toString());
                }
            }
        } finally {
            statusClosed.countDown();
            if (dashboard != null) {
                dashboard.close();
            }
        }
        if (stopping) {
            stopped.await(); // Ctrl-C: the hook stops everything
            return 0;
        }
        job.getJobExecutionResult().get(); // the job ended by itself: report why (the hook still stops the rest)
        return 0;
    }
}
