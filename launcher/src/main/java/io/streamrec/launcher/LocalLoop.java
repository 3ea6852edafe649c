package io.streamrec.launcher;

import io.streamrec.common.StateLock;
import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.job.Checkpoints;
import io.streamrec.flink.job.GraphJobConfig;
import io.streamrec.flink.job.GraphJobRunner;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed loop on one machine, started in order and stopped in reverse: embedded broker, topics,
 * graph job with serving (local MiniCluster, resumed from its latest checkpoint), model server
 * (child JVM, resumes from its snapshot), synthetic world (resumes where it stopped).
 */
final class LocalLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLoop.class);

    /**
     * What the loop runs with. {@code world} null: no generator; {@code modelArgs} null: no model
     * server; {@code flinkMetricsPort} -1: no Prometheus reporter on the MiniCluster.
     */
    record Settings(
            Path dir,
            int kafkaPort,
            Topics topics,
            int partitions,
            int parallelism,
            long triggerEdges,
            Duration triggerInterval,
            Duration checkpointInterval,
            boolean fresh,
            ServingConfig serving,
            WorldSettings world,
            List<String> modelArgs,
            String modelHeap,
            int flinkMetricsPort) {}

    /** The synthetic world's settings. */
    record WorldSettings(
            double rate, long seed, int users, int items, int newItemEvery, double drift, boolean malformed) {}

    final EmbeddedKafka kafka;
    final GraphJobConfig config;
    final JobClient job;
    final String restoredFrom;
    final ModelServerProcess modelServer;
    final WorldState world;
    final WorldProducer generator;
    private final StateLock lock;

    private LocalLoop(
            StateLock lock,
            EmbeddedKafka kafka,
            GraphJobConfig config,
            JobClient job,
            String restoredFrom,
            ModelServerProcess modelServer,
            WorldState world,
            WorldProducer generator) {
        this.lock = lock;
        this.kafka = kafka;
        this.config = config;
        this.job = job;
        this.restoredFrom = restoredFrom;
        this.modelServer = modelServer;
        this.world = world;
        this.generator = generator;
    }

    static LocalLoop start(Settings s) throws Exception {
        // One loop per directory: a second one (or an orphan of a killed one) would share the broker's log,
        // the checkpoints and the model server's snapshot. Fails here, before anything starts.
        StateLock lock = StateLock.acquire(s.dir(), "./streamrec pipeline", "--dir");
        try {
            return start(s, lock);
        } catch (Exception | Error e) {
            lock.close();
            throw e;
        }
    }

    private static LocalLoop start(Settings s, StateLock lock) throws Exception {
        if (s.modelArgs() != null) {
            System.setProperty(
                    ModelServerProcess.CLASSPATH_PROPERTY,
                    ModelServerProcess.classpath()); // fail before starting anything
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(s.dir().resolve("kafka"), s.kafkaPort());
        String bootstrap = kafka.bootstrapServers();
        String checkpointDir =
                s.dir().resolve("checkpoints").toAbsolutePath().toUri().toString();
        String restore = s.fresh() ? null : Checkpoints.latest(checkpointDir);
        int edgePartitions = TopicProvisioner.ensureTopics(bootstrap, Map.of(), s.topics(), s.partitions(), (short) 1)
                .get(s.topics().graphEdges());
        GraphJobConfig cfg = GraphJobConfig.builder(bootstrap, s.topics())
                .parallelism(s.parallelism())
                .edgesPartitions(edgePartitions)
                .triggerEdges(s.triggerEdges())
                .triggerInterval(s.triggerInterval())
                .checkpointDir(checkpointDir)
                .checkpointInterval(s.checkpointInterval())
                .restorePath(restore)
                .serving(s.serving())
                .build();
        Configuration flink = GraphJobRunner.localDefaults();
        if (s.flinkMetricsPort()
                >= 0) { // Flink's own metrics (operators, checkpoints, Kafka clients) for Prometheus, as on a cluster
            flink.set(
                    ConfigOptions.key("metrics.reporter.prom.factory.class")
                            .stringType()
                            .noDefaultValue(),
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            flink.set(
                    ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                    Integer.toString(s.flinkMetricsPort()));
        }
        JobClient job = GraphJobRunner.start(cfg, flink);
        ModelServerProcess server = null;
        if (s.modelArgs() != null) {
            List<String> args = new ArrayList<>(List.of(
                    "--bootstrap-servers",
                    bootstrap,
                    "--topic-prefix",
                    s.topics().prefix(),
                    "--state-dir",
                    s.dir().resolve("model-server").toString()));
            args.addAll(s.modelArgs());
            server = new ModelServerProcess(args, s.dir().resolve("model-server.log"), s.modelHeap());
            server.start();
        }
        WorldState world = null;
        WorldProducer generator = null;
        WorldSettings w = s.world();
        if (w != null) {
            world = WorldState.open(
                    s.dir().resolve("world.properties"), w.seed(), w.users(), w.items(), w.newItemEvery(), w.drift());
            generator = new WorldProducer(
                    world.world(),
                    bootstrap,
                    s.topics().interactions(),
                    s.topics().items(),
                    w.rate(),
                    0,
                    w.malformed());
            Thread t = new Thread(generator, "world-generator");
            t.setDaemon(true);
            t.start();
        }
        return new LocalLoop(lock, kafka, cfg, job, restore, server, world, generator);
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** Records how far the world has played (also done by {@link #close}). */
    void saveWorld() {
        if (generator != null) {
            world.save(generator.position());
        }
    }

    @Override
    public void close() {
        if (generator != null) {
            generator.stop();
            saveWorld();
        }
        if (modelServer != null) {
            LOG.info("Stopping: the model server (it keeps its snapshot)");
            modelServer.close();
        }
        LOG.info("Stopping: cancelling the graph job (its checkpoints are kept) and the broker");
        try {
            job.cancel().get();
        } catch (Exception e) {
            LOG.warn("Cancelling the graph job: {}", e.toString());
        }
        kafka.close();
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Releasing {}: {}", lock.file(), e.toString());
        }
    }
}
