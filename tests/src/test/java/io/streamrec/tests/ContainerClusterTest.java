package io.streamrec.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.kafka.world.SyntheticWorld;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.Recommendation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * The loop on containers built here (docker/build-local.sh), all on the host network: three KRaft
 * brokers from the Maven Central jars (topics at replication 3, min.insync.replicas 2), a Flink
 * session cluster (a JobManager and two TaskManagers started through Flink's own entry points)
 * to which the shaded job jar goes through the REST API, and the model server; the synthetic world
 * produces from this JVM. While it produces: a TaskManager is killed (SIGKILL) and started again,
 * one broker is killed and brought back on its log directory, and the model server is killed and
 * started again on its state directory.
 *
 * <p>Then, against the interactions the brokers accepted: the changelog (read_committed) holds
 * each accepted edge's changes exactly once with dense seqs; every version served while events
 * flowed has rolling metrics; no recommendation holds an item its user had seen; while the model
 * server was down, serving went on with versions committed before the kill. Prints, per fault, the
 * time until changelog records (or, for the model server, a new version) flow again.
 *
 * <p>Tagged {@code containers}: {@code mvn verify} leaves it out; {@code docker/test.sh} runs it. It
 * is skipped without a Docker engine, and aborted with a message when the images are not built.
 */
@Tag("containers")
@Testcontainers(disabledWithoutDocker = true)
class ContainerClusterTest {
    private static final String PREFIX = "tc.";
    private static final String[] IMAGES = {
        "streamrec/kafka:local", "streamrec/flink:local", "streamrec/model-server:local"
    };
    private static final int[] KAFKA_PORTS = {39092, 39093, 39094};
    private static final String BOOTSTRAP = "127.0.0.1:39092,127.0.0.1:39093,127.0.0.1:39094";
    private static final int REST_PORT = 38081;
    private static final String FLINK_PROPERTIES = String.join(
            "\n",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.rpc.port: 36123",
            "jobmanager.bind-host: 127.0.0.1",
            "blob.server.port: 36124",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + REST_PORT,
            "taskmanager.host: 127.0.0.1",
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.rpc.port: 36201-36220",
            "taskmanager.numberOfTaskSlots: 2",
            "taskmanager.memory.process.size: 1280m",
            "jobmanager.memory.process.size: 768m",
            // a killed TaskManager is noticed in seconds, not after the default 50 s heartbeat timeout
            "heartbeat.interval: 2000",
            "heartbeat.timeout: 8000");

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<GenericContainer<?>> started = new ArrayList<>();

    @Test
    void theLoopOnContainersLosesAndRepeatsNothingThroughKills() throws Exception {
        for (String image : IMAGES) {
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                Assumptions.abort("image " + image + " is not built: run docker/build-local.sh (docker/test.sh does)");
            }
        }
        Path jar = LoopParts.jobJar();
        Path tmp = Files.createTempDirectory(
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(), "containers");
        Path out = Path.of("target", "containers").toAbsolutePath();
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        try {
            List<GenericContainer<?>> brokers = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                brokers.add(broker(id, tmp.resolve("kafka-" + id)));
            }
            GenericContainer<?> jobManager = flink("jobmanager", tmp)
                    .waitingFor(Wait.forLogMessage(".*Rest endpoint listening.*", 1)
                            .withStartupTimeout(Duration.ofMinutes(3)));
            List<GenericContainer<?>> taskManagers = List.of(taskManager(tmp), taskManager(tmp));
            List<GenericContainer<?>> cluster = new ArrayList<>(brokers);
            cluster.add(jobManager);
            cluster.addAll(taskManagers);
            started.addAll(cluster);
            Startables.deepStart(cluster).get(5, TimeUnit.MINUTES);
            step(t0, "3 brokers, a JobManager and 2 TaskManagers up");

            JobID job = submit(jar, tmp.resolve("checkpoints"));
            step(t0, "job " + job + " submitted through the REST API");
            GenericContainer<?> modelServer = new GenericContainer<>(
                            DockerImageName.parse("streamrec/model-server:local"))
                    .withNetworkMode("host")
                    .withEnv("JAVA_TOOL_OPTIONS", "-Xmx1g")
                    .withFileSystemBind(dir(tmp.resolve("model-server")), "/state", BindMode.READ_WRITE)
                    .withCommand(
                            "--bootstrap-servers",
                            BOOTSTRAP,
                            "--topic-prefix",
                            PREFIX,
                            "--state-dir",
                            "/state",
                            "--http",
                            "127.0.0.1:39464",
                            "--no-text",
                            "--dim",
                            "16",
                            "--initial-epochs",
                            "5",
                            "--min-steps",
                            "20",
                            "--max-steps",
                            "40")
                    .waitingFor(Wait.forLogMessage(".*(starting empty|Restored snapshot).*", 1)
                            .withStartupTimeout(Duration.ofMinutes(3)));
            started.add(modelServer);
            modelServer.start();

            WorldProducer world = new WorldProducer(
                    new SyntheticWorld(5, 300, 120, 150, 0.002),
                    BOOTSTRAP,
                    PREFIX + "interactions",
                    PREFIX + "items",
                    200,
                    0,
                    false);
            Thread worldThread = new Thread(world, "world");
            worldThread.start();
            Map<String, Long> recovery = new LinkedHashMap<>();
            long downFrom;
            long downTo;
            Set<Long> committedBeforeKill;
            try (KafkaConsumer<byte[], byte[]> watch = KafkaClients.readCommittedConsumer(BOOTSTRAP)) {
                watch.assign(KafkaClients.partitions(watch, PREFIX + "graph.edges"));
                watch.seekToBeginning(watch.assignment());
                await(
                        () -> !LoopChaosTest.commits(BOOTSTRAP, PREFIX).isEmpty(),
                        Duration.ofMinutes(4),
                        "a first model version",
                        modelServer);
                step(t0, "version 1 committed");
                Thread.sleep(5_000);

                GenericContainer<?> victim = busyTaskManager(taskManagers); // the one running the job's tasks
                long k = System.currentTimeMillis();
                docker.killContainerCmd(victim.getContainerId()).exec();
                recovery.put("TaskManager killed", flowsAgain(watch, k));
                docker.startContainerCmd(victim.getContainerId()).exec(); // a TaskManager again: the cluster back to 2
                step(
                        t0,
                        "TaskManager killed; edges flow again after " + recovery.get("TaskManager killed")
                                + " ms; started again");
                Thread.sleep(5_000);

                GenericContainer<?> broker = brokers.get(1);
                k = System.currentTimeMillis();
                docker.killContainerCmd(broker.getContainerId()).exec();
                recovery.put("broker 2 killed", flowsAgain(watch, k));
                try (Admin admin = KafkaClients.admin(BOOTSTRAP)) {
                    await(
                            () -> brokersUp(admin) == 2,
                            Duration.ofMinutes(1),
                            "broker 2 fenced (out of the cluster's metadata)",
                            broker);
                    k = System.currentTimeMillis();
                    docker.startContainerCmd(broker.getContainerId()).exec(); // on its log directory
                    await(() -> brokersUp(admin) == 3, Duration.ofMinutes(2), "broker 2 back in the cluster", broker);
                }
                recovery.put("broker 2 back in the cluster", System.currentTimeMillis() - k);
                recovery.put("edges after broker 2's return", flowsAgain(watch, System.currentTimeMillis()));
                step(t0, "broker 2 killed and back: " + recovery);
                Thread.sleep(5_000);

                downFrom = System.currentTimeMillis();
                docker.killContainerCmd(modelServer.getContainerId()).exec();
                Thread.sleep(20_000); // serving goes on with what it has
                downTo = System.currentTimeMillis();
                committedBeforeKill =
                        versions(LoopChaosTest.commits(BOOTSTRAP, PREFIX)); // read while it is down: all it committed
                long lastBefore = committedBeforeKill.stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElseThrow();
                docker.startContainerCmd(modelServer.getContainerId()).exec(); // on its state directory
                await(
                        () -> LoopChaosTest.commits(BOOTSTRAP, PREFIX).stream()
                                .anyMatch(c -> c.getModelVersion() > lastBefore),
                        Duration.ofMinutes(3),
                        "a version after the model server's restart",
                        modelServer);
                recovery.put(
                        "model server killed: next version after its restart", System.currentTimeMillis() - downTo);
                step(
                        t0,
                        "model server killed for 20 s and restarted: a new version after "
                                + recovery.get("model server killed: next version after its restart") + " ms");
            } finally {
                world.stop();
                worldThread.join(10_000);
            }
            assertTrue(world.failure() == null, "the world's sends: " + world.failure());
            long worldStopped = System.currentTimeMillis();
            Thread.sleep(10_000); // the last checkpoint commits the last changes; a last trigger

            List<GraphChange> changes = LoopChaosTest.changelog(BOOTSTRAP, PREFIX);
            Map<String, List<GraphChangeKind>> byEdge = LoopChaosTest.checkDense(changes);
            Map<String, List<GraphChangeKind>> expected = LoopChaosTest.replay(BOOTSTRAP, PREFIX);
            assertEquals(
                    expected.keySet(),
                    byEdge.keySet(),
                    "the edges of the changelog are the edges of the accepted interactions");
            for (Map.Entry<String, List<GraphChangeKind>> e : expected.entrySet()) {
                assertEquals(e.getValue(), byEdge.get(e.getKey()), "changes of edge " + e.getKey());
            }
            ClosedLoopEndToEndTest.checkMetricsPerVersion(BOOTSTRAP, PREFIX, worldStopped);
            List<Recommendation> recs = ClosedLoopEndToEndTest.recommendations(BOOTSTRAP, PREFIX);
            ClosedLoopEndToEndTest.checkNoSeenItems(BOOTSTRAP, PREFIX, recs);
            // events made while it was down (less 5 s at the end: an event is scored a little after it is made)
            List<Recommendation> whileDown = recs.stream()
                    .filter(r -> r.getEventTime().toEpochMilli() > downFrom + 1_000
                            && r.getEventTime().toEpochMilli() < downTo - 5_000)
                    .toList();
            Set<Long> servedWhileDown = whileDown.stream()
                    .map(Recommendation::getModelVersion)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertTrue(whileDown.size() > 100, "recommendations while the model server was down: " + whileDown.size());
            assertTrue(
                    committedBeforeKill.containsAll(servedWhileDown) && !servedWhileDown.contains(0L),
                    "while the model server was down serving kept versions it had committed " + committedBeforeKill
                            + "; served " + servedWhileDown);
            assertFalse(recovery.isEmpty());
            long lastSeq = changes.stream().mapToLong(GraphChange::getSeq).max().orElseThrow();
            System.out.printf(
                    Locale.ROOT,
                    "containers: %d changes (seqs 1..%d dense, each once, = the accepted interactions' replay); "
                            + "%d recommendations, none with a seen item; while the model server was down %d recommendations from versions %s; "
                            + "recovery (ms): %s%n",
                    changes.size(),
                    lastSeq,
                    recs.size(),
                    whileDown.size(),
                    servedWhileDown,
                    recovery);
        } finally {
            for (GenericContainer<?> c : started) {
                String name = c.getDockerImageName().replaceAll("[^a-z-]", "_") + "-"
                        + (c.getContainerId() == null
                                ? "none"
                                : c.getContainerId().substring(0, 8));
                try {
                    Files.writeString(out.resolve(name + ".log"), c.getLogs());
                } catch (RuntimeException | IOException e) {
                    // a container that never started has no logs
                }
                c.stop();
            }
        }
    }

    private GenericContainer<?> broker(int id, Path data) throws IOException {
        int port = KAFKA_PORTS[id - 1];
        return new GenericContainer<>(DockerImageName.parse("streamrec/kafka:local"))
                .withNetworkMode("host")
                .withFileSystemBind(dir(data), "/var/lib/kafka/data", BindMode.READ_WRITE)
                .withEnv(Map.ofEntries(
                        Map.entry("CLUSTER_ID", "c3RyZWFtcmVjLXRlc3Rz"),
                        Map.entry("KAFKA_NODE_ID", String.valueOf(id)),
                        Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
                        Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                        Map.entry(
                                "KAFKA_LISTENERS",
                                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 100)),
                        Map.entry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://127.0.0.1:" + port),
                        Map.entry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                        Map.entry(
                                "KAFKA_CONTROLLER_QUORUM_VOTERS",
                                "1@127.0.0.1:39192,2@127.0.0.1:39193,3@127.0.0.1:39194"),
                        Map.entry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3"),
                        Map.entry("KAFKA_MIN_INSYNC_REPLICAS", "2"),
                        Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2"),
                        Map.entry("KAFKA_TRANSACTION_MAX_TIMEOUT_MS", "900000"),
                        Map.entry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false"),
                        Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
                        Map.entry("KAFKA_HEAP_OPTS", "-Xmx384m")))
                .waitingFor(
                        Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
    }

    private static GenericContainer<?> flink(String role, Path tmp) throws IOException {
        String checkpoints = dir(tmp.resolve("checkpoints"));
        return new GenericContainer<>(DockerImageName.parse("streamrec/flink:local"))
                .withNetworkMode("host")
                .withCommand(role)
                .withEnv("FLINK_PROPERTIES", FLINK_PROPERTIES)
                .withFileSystemBind(checkpoints, checkpoints, BindMode.READ_WRITE); // the same path everywhere
    }

    private static GenericContainer<?> taskManager(Path tmp) throws IOException {
        return flink("taskmanager", tmp)
                .waitingFor(Wait.forLogMessage(".*Successful registration at resource manager.*", 1)
                        .withStartupTimeout(Duration.ofMinutes(3)));
    }

    /** The job jar's main run here (it creates the topics at replication 3), its job graph and jar sent to the cluster's REST API. */
    private static JobID submit(Path jar, Path checkpoints) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, REST_PORT);
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jar.toFile())
                .setConfiguration(conf)
                .setArguments(
                        "--bootstrap-servers",
                        BOOTSTRAP,
                        "--topic-prefix",
                        PREFIX,
                        "--partitions",
                        "2",
                        "--replication",
                        "3",
                        "--parallelism",
                        "2",
                        "--checkpoint-dir",
                        checkpoints.toUri().toString(),
                        "--checkpoint-interval",
                        "1s",
                        "--trigger-edges",
                        "100000000",
                        "--trigger-interval",
                        "5s",
                        "--metrics-count-window",
                        "200",
                        "--metrics-time-window",
                        "3s",
                        "--detached")
                .build();
        try (RestClusterClient<StandaloneClusterId> client =
                new RestClusterClient<>(conf, StandaloneClusterId.getInstance())) {
            return client.submitJob(PackagedProgramUtils.createJobGraph(program, conf, 1, false))
                    .get(3, TimeUnit.MINUTES);
        }
    }

    /** Milliseconds from {@code since} until the changelog has a committed record beyond what was committed before. */
    private static long flowsAgain(KafkaConsumer<byte[], byte[]> watch, long since) {
        assertTrue(
                LoopChaosTest.changelogFlowsAgain(watch, Duration.ofSeconds(180)), "no changelog record within 180 s");
        return System.currentTimeMillis() - since;
    }

    /** The TaskManager container whose slots hold the job's tasks (both may; the first such), from the REST API's /taskmanagers. */
    private static GenericContainer<?> busyTaskManager(List<GenericContainer<?>> taskManagers) throws Exception {
        String json = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + REST_PORT + "/taskmanagers"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("\\{\"id\":\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            String id = m.group(1);
            Matcher slots = Pattern.compile("\"slotsNumber\":(\\d+),\"freeSlots\":(\\d+)")
                    .matcher(json);
            if (slots.find(m.end()) && Integer.parseInt(slots.group(2)) < Integer.parseInt(slots.group(1))) {
                for (GenericContainer<?> tm : taskManagers) {
                    if (tm.getLogs().contains(id)) {
                        return tm;
                    }
                }
            }
        }
        throw new AssertionError("no TaskManager with tasks among " + json);
    }

    /** Brokers in the cluster's metadata (a killed one stays until the controller fences it), -1 when none answers. */
    private static int brokersUp(Admin admin) {
        try {
            return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Set<Long> versions(List<EmbeddingRecord> commits) {
        return commits.stream().map(EmbeddingRecord::getModelVersion).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void await(BooleanSupplier done, Duration timeout, String what, GenericContainer<?> suspect)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String logs = suspect.getLogs();
                throw new AssertionError(
                        "no " + what + " within " + timeout + "; last of " + suspect.getDockerImageName() + "'s log:\n"
                                + logs.substring(Math.max(0, logs.length() - 4_000)));
            }
            Thread.sleep(500);
        }
    }

    private static String dir(Path p) throws IOException {
        Files.createDirectories(p);
        return p.toAbsolutePath().toString();
    }

    private static void step(long t0, String what) {
        System.out.printf(Locale.ROOT, "containers [%5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    }
}
