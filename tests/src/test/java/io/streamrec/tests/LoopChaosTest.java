package io.streamrec.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamrec.kafka.BrokerProcess;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.kafka.world.SyntheticWorld;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.InteractionDecoder;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.InteractionEvent;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The chaos run of the whole local loop: the broker (a child JVM), the graph job with serving (the
 * job jar on a MiniCluster), the model server (a child JVM, serving a model) and the synthetic
 * world, with one kill of each kind in a seeded order while the world produces: SIGKILL of the
 * model server, a TaskManager failure, the same during a checkpoint, a cancel and resubmission
 * from the latest retained checkpoint, and SIGKILL of the broker, restarted on its log directory.
 *
 * <p>Afterwards, against the interactions the broker accepted (the topic is the truth): the
 * changelog has dense seqs and no repeat; per edge its changes are exactly those a replay of the
 * interactions gives (first touch adds, a remove of a present edge removes); the model server's
 * last version has trained on every live edge, once; no recommendation holds an item its user had
 * seen; the metrics count every new edge once (their {@code new_edges} points add up to the
 * changelog's additions); no user was scored with a mix of versions (each recommendation's scores
 * are one vector's products with its version's items). Prints the recovery time per kind of kill.
 */
class LoopChaosTest {
    private static final String PREFIX = "loopchaos.";

    enum Kill {
        MODEL_SERVER,
        TASK_MANAGER,
        TASK_MANAGER_DURING_CHECKPOINT,
        CANCEL_AND_RESTORE,
        BROKER
    }

    @Test
    void oneKillOfEachKindLosesAndRepeatsNothing() throws Exception {
        Path jar = LoopParts.jobJar();
        long seed = Long.getLong("streamrec.chaos.seed", 1);
        Random random = new Random(seed);
        // each round kills every kind once, in a seeded order; the suite runs one round, bench/chaos.sh the long form
        int kills = Integer.getInteger("streamrec.chaos.kills", Kill.values().length);
        List<Kill> order = new ArrayList<>();
        while (order.size() < kills) {
            List<Kill> round = new ArrayList<>(List.of(Kill.values()));
            Collections.shuffle(round, random);
            order.addAll(round);
        }
        order = List.copyOf(order.subList(0, kills));
        Path tmp = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "loopchaos");
        String checkpoints = tmp.resolve("checkpoints").toUri().toString();
        try (BrokerProcess broker = BrokerProcess.start(tmp.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            Configuration conf = LoopParts.flinkConf();
            try (MiniCluster cluster = LoopParts.miniCluster(conf, 2)) {
                cluster.start();
                List<String> jobArgs = List.of(
                        "--bootstrap-servers",
                        bootstrap,
                        "--topic-prefix",
                        PREFIX,
                        "--partitions",
                        "2",
                        "--parallelism",
                        "2",
                        "--checkpoint-dir",
                        checkpoints,
                        "--checkpoint-interval",
                        "500ms",
                        "--trigger-edges",
                        "100000000",
                        "--trigger-interval",
                        "5s",
                        "--metrics-count-window",
                        "200",
                        "--metrics-time-window",
                        "3s",
                        "--detached");
                JobID job = submit(cluster, conf, jar, jobArgs, null);
                Path log = tmp.resolve("model-server.log");
                // d = 6 below K = 10, so that ten scores pin down the one user vector behind them (versionMixes)
                List<String> serve = LoopParts.serveCommand(
                        "1g",
                        bootstrap,
                        PREFIX,
                        tmp.resolve("model-server"),
                        "--no-text",
                        "--dim",
                        "6",
                        "--initial-epochs",
                        "5",
                        "--min-steps",
                        "20",
                        "--max-steps",
                        "20");
                Process server = LoopParts.start(serve, log);
                WorldProducer world = new WorldProducer(
                        new SyntheticWorld(seed, 300, 120, 150, 0.002),
                        bootstrap,
                        PREFIX + "interactions",
                        PREFIX + "items",
                        300,
                        0,
                        false);
                Thread worldThread = new Thread(world, "world");
                worldThread.start();
                Map<Kill, List<Long>> recovery = new EnumMap<>(Kill.class);
                int taskManager = 0;
                KafkaConsumer<byte[], byte[]> watch = KafkaClients.readCommittedConsumer(bootstrap);
                try {
                    List<TopicPartition> edgeParts = List.of(
                            new TopicPartition(PREFIX + "graph.edges", 0),
                            new TopicPartition(PREFIX + "graph.edges", 1));
                    watch.assign(edgeParts);
                    watch.seekToBeginning(edgeParts);
                    awaitCommit(bootstrap, c -> true, Duration.ofSeconds(150), log); // a model served
                    for (Kill kind : order) {
                        Thread.sleep(2_000 + random.nextInt(3_000));
                        watch.poll(Duration.ofMillis(50));
                        long lastVersion = commits(bootstrap, PREFIX).stream()
                                .mapToLong(EmbeddingRecord::getModelVersion)
                                .max()
                                .orElse(0);
                        long t0 = System.currentTimeMillis();
                        switch (kind) {
                            case MODEL_SERVER -> {
                                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                                server = LoopParts.start(serve, log);
                            }
                            case TASK_MANAGER -> {
                                cluster.terminateTaskManager(taskManager++).get();
                                cluster.startTaskManager();
                            }
                            case TASK_MANAGER_DURING_CHECKPOINT -> {
                                var inFlight = cluster.triggerCheckpoint(job);
                                Thread.sleep(random.nextInt(40));
                                cluster.terminateTaskManager(taskManager++).get();
                                cluster.startTaskManager();
                                inFlight.handle((p, e) -> null);
                            }
                            case CANCEL_AND_RESTORE -> {
                                cluster.cancelJob(job).get();
                                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                                while (!cluster.getJobStatus(job).get().isGloballyTerminalState()
                                        && System.nanoTime() < deadline) {
                                    Thread.sleep(50);
                                }
                                job = submit(cluster, conf, jar, jobArgs, newestCheckpoint(tmp.resolve("checkpoints")));
                            }
                            case BROKER -> {
                                broker.kill();
                                Thread.sleep(random.nextInt(2_000));
                                broker.restart();
                            }
                        }
                        if (kind == Kill.MODEL_SERVER) { // recovered: it publishes a version again
                            awaitCommit(
                                    bootstrap, c -> c.getModelVersion() > lastVersion, Duration.ofSeconds(120), log);
                        } else { // recovered: the job commits changelog records again
                            assertTrue(
                                    changelogFlowsAgain(watch, Duration.ofSeconds(120)),
                                    kind + ": no changelog record within 120 s");
                        }
                        long ms = System.currentTimeMillis() - t0;
                        recovery.computeIfAbsent(kind, k -> new ArrayList<>()).add(ms);
                        System.out.printf(
                                Locale.ROOT,
                                "loop chaos kill %d: %s, recovered in %d ms%n",
                                recovery.values().stream().mapToInt(List::size).sum(),
                                kind,
                                ms);
                    }
                    world.stop();
                    worldThread.join(10_000);
                    assertTrue(world.failure() == null, "the world's sends: " + world.failure());
                    Thread.sleep(8_000); // a last trigger after the world stopped

                    List<GraphChange> changes = changelog(bootstrap, PREFIX);
                    Map<String, List<GraphChangeKind>> byEdge = checkDense(changes);
                    Map<String, List<GraphChangeKind>> expected = replay(bootstrap, PREFIX);
                    assertEquals(
                            expected.keySet(),
                            byEdge.keySet(),
                            "the edges of the changelog are the edges of the accepted interactions");
                    for (Map.Entry<String, List<GraphChangeKind>> e : expected.entrySet()) {
                        assertEquals(e.getValue(), byEdge.get(e.getKey()), "changes of edge " + e.getKey());
                    }
                    long lastSeq = changes.stream()
                            .mapToLong(GraphChange::getSeq)
                            .max()
                            .orElseThrow();
                    long live = byEdge.values().stream()
                            .filter(l -> l.get(l.size() - 1) == GraphChangeKind.EDGE_ADDED)
                            .count();
                    EmbeddingRecord last =
                            awaitCommit(bootstrap, c -> c.getThroughSeq() >= lastSeq, Duration.ofSeconds(120), log);
                    assertEquals(
                            (double) live,
                            last.getMetrics().get("edges"),
                            "the last version trained on every live edge, once");
                    List<Recommendation> recs = ClosedLoopEndToEndTest.recommendations(bootstrap, PREFIX);
                    ClosedLoopEndToEndTest.checkNoSeenItems(bootstrap, PREFIX, recs);
                    long adds = changes.stream()
                            .filter(g -> g.getKind() == GraphChangeKind.EDGE_ADDED)
                            .count();
                    long[] counted = awaitMetricsCount(bootstrap, adds);
                    assertEquals(
                            adds,
                            counted[0],
                            "metrics exactly once: the new_edges points add up to the changelog's additions");
                    assertTrue(
                            counted[1] > 0 && counted[1] <= counted[0],
                            "ranked events " + counted[1] + " of " + counted[0]);
                    String mixes = versionMixes(bootstrap, recs);
                    System.out.printf(
                            Locale.ROOT,
                            "loop chaos seed %d: %d kills survived; %d changes (seqs 1..%d dense, each once), %d live edges "
                                    + "in version %d; metrics: %d new edges counted once, %d ranked; %s; recovery %s%n",
                            seed,
                            order.size(),
                            changes.size(),
                            lastSeq,
                            live,
                            last.getModelVersion(),
                            counted[0],
                            counted[1],
                            mixes,
                            recovery);
                } finally {
                    watch.close();
                    world.stop();
                    server.destroyForcibly();
                    cluster.cancelJob(job).handle((x, e) -> null).get();
                }
            }
        }
    }

    /**
     * Waits for the metrics topic's {@code new_edges} points (time windows, which partition each
     * version's events; version 0: before any version was live) to add up to {@code adds}, up to 30 s:
     * the last windows close after a few idle seconds. Returns {new edges counted, of which ranked}.
     */
    private static long[] awaitMetricsCount(String bootstrap, long adds) throws Exception {
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        long[] counted = {0, 0};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            counted[0] = 0;
            counted[1] = 0;
            for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readAll(
                    bootstrap, PREFIX + "metrics", x -> false, Duration.ofMillis(1500), Duration.ZERO)) {
                MetricPoint p = codec.decode(r.value());
                if (p.getWindow().startsWith("time:") && p.getName().equals("new_edges")) {
                    counted[0] += p.getSamples();
                } else if (p.getWindow().startsWith("time:")
                        && p.getName().startsWith("ndcg@")
                        && p.getScorer().equals("model")) {
                    counted[1] += p.getSamples();
                }
            }
            if (counted[0] >= adds) {
                return counted;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        return counted;
    }

    /**
     * No user scored with a mix of versions: every recommendation of version v lists items of v's
     * item table (rebuilt from the embeddings topic: a full version's items, or a delta applied to
     * its base), and its K scores are the dot products of one vector with those items' vectors in v.
     * With d below K that is a least-squares fit with zero residual; a score taken against another
     * version's vector of an item leaves a residual. A control swaps one item's vector for that of an
     * earlier version where it moved and must see the residual, so the check can fail.
     */
    private static String versionMixes(String bootstrap, List<Recommendation> recs) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        Map<Long, Map<String, float[]>> pending = new HashMap<>();
        Map<Long, Map<String, float[]>> tables = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readAll(
                bootstrap, PREFIX + "embeddings", x -> false, Duration.ofMillis(1500), Duration.ZERO)) {
            if (r.value() == null) {
                continue; // a withdrawn item's tombstone; its COMMIT lists it
            }
            EmbeddingRecord e = codec.decode(r.value());
            if (EmbeddingRecords.isItem(e)) {
                pending.computeIfAbsent(e.getModelVersion(), v -> new HashMap<>())
                        .put(e.getEntityId(), EmbeddingRecords.vector(e));
            } else if (EmbeddingRecords.isCommit(e)) {
                Map<String, float[]> t = new HashMap<>();
                if (e.getBaseVersion() > 0) {
                    Map<String, float[]> base = tables.get(e.getBaseVersion());
                    assertTrue(
                            base != null,
                            "version " + e.getModelVersion() + " is a delta on " + e.getBaseVersion()
                                    + ", which is not on the topic");
                    t.putAll(base);
                    e.getRemovedItems().forEach(t::remove);
                }
                t.putAll(pending.getOrDefault(e.getModelVersion(), Map.of()));
                tables.put(e.getModelVersion(), t);
            }
        }
        int checked = 0;
        int controls = 0;
        int caught = 0;
        double worst = 0;
        for (Recommendation rec : recs) {
            Map<String, float[]> t = tables.get(rec.getModelVersion());
            assertTrue(
                    t != null,
                    "a recommendation of version " + rec.getModelVersion() + ", which no COMMIT on the topic made: "
                            + rec);
            int m = rec.getItems().size();
            double[][] a = new double[m][];
            double[] b = new double[m];
            for (int i = 0; i < m; i++) {
                String item = rec.getItems().get(i).getItemId();
                float[] v = t.get(item);
                assertTrue(
                        v != null,
                        "recommendation of version " + rec.getModelVersion() + " lists " + item
                                + ", which that version does not have");
                a[i] = toDouble(v);
                b[i] = rec.getItems().get(i).getScore();
            }
            if (m == 0 || m < a[0].length + 2) {
                continue; // too few scores to pin the vector down
            }
            double res = residual(a, b);
            worst = Math.max(worst, res);
            assertTrue(
                    res < 1e-3,
                    "recommendation of version " + rec.getModelVersion() + " for " + rec.getUserId()
                            + ": its scores are not one vector's products with that version's items (relative residual "
                            + res + ")");
            checked++;
            // the control: one item's vector from the earliest version where it differs by more than 10%
            for (int i = 0; i < m && controls < 2_000; i++) {
                float[] earlier = movedBefore(
                        tables, rec.getModelVersion(), rec.getItems().get(i).getItemId(), a[i]);
                if (earlier != null) {
                    double[] keep = a[i];
                    a[i] = toDouble(earlier);
                    controls++;
                    if (residual(a, b) >= 1e-3) {
                        caught++;
                    }
                    a[i] = keep;
                    break;
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " recommendations with enough items to check");
        assertTrue(
                controls >= 20 && caught >= 0.9 * controls,
                "the control: " + caught + " of " + controls + " mixes seen");
        return String.format(
                Locale.ROOT,
                "%d recommendations each from one version (largest residual %.1e; control: %d of %d mixes seen)",
                checked,
                worst,
                caught,
                controls);
    }

    private static float[] movedBefore(
            Map<Long, Map<String, float[]>> tables, long version, String item, double[] now) {
        for (long v = 1; v < version; v++) {
            Map<String, float[]> t = tables.get(v);
            float[] x = t == null ? null : t.get(item);
            if (x != null && x.length == now.length) {
                double d = 0;
                double n = 0;
                for (int c = 0; c < x.length; c++) {
                    d += (x[c] - now[c]) * (x[c] - now[c]);
                    n += now[c] * now[c];
                }
                if (d > 0.01 * n) {
                    return x;
                }
            }
        }
        return null;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** ||b - A x|| / ||b|| for the least-squares x (Householder QR; A is m×d, m > d). */
    static double residual(double[][] rows, double[] rhs) {
        int m = rows.length;
        int d = rows[0].length;
        double[][] a = new double[m][];
        for (int i = 0; i < m; i++) {
            a[i] = rows[i].clone();
        }
        double[] b = rhs.clone();
        for (int k = 0; k < d; k++) {
            double norm = 0;
            for (int i = k; i < m; i++) {
                norm += a[i][k] * a[i][k];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue;
            }
            double alpha = a[k][k] > 0 ? -norm : norm;
            double[] u = new double[m];
            for (int i = k; i < m; i++) {
                u[i] = a[i][k];
            }
            u[k] -= alpha;
            double uu = 0;
            for (int i = k; i < m; i++) {
                uu += u[i] * u[i];
            }
            if (uu == 0) {
                continue;
            }
            for (int j = k; j < d; j++) {
                double dot = 0;
                for (int i = k; i < m; i++) {
                    dot += u[i] * a[i][j];
                }
                for (int i = k; i < m; i++) {
                    a[i][j] -= 2 * dot / uu * u[i];
                }
            }
            double dot = 0;
            for (int i = k; i < m; i++) {
                dot += u[i] * b[i];
            }
            for (int i = k; i < m; i++) {
                b[i] -= 2 * dot / uu * u[i];
            }
        }
        double r = 0;
        double n = 0;
        for (int i = 0; i < m; i++) {
            n += rhs[i] * rhs[i];
            if (i >= d) {
                r += b[i] * b[i];
            }
        }
        return Math.sqrt(r / Math.max(n, 1e-30));
    }

    /**
     * Submits the job jar. A restore goes in as the program's savepoint settings (what {@code flink
     * run -s} sets): PackagedProgramUtils replaces the job graph's restore settings with those, so
     * the job's own {@code --restore-from} would be dropped on this path.
     */
    private static JobID submit(MiniCluster cluster, Configuration conf, Path jar, List<String> args, String restore)
            throws Exception {
        List<String> a = new ArrayList<>(args);
        if (restore != null) {
            a.addAll(List.of("--restore-from", restore));
        }
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jar.toFile())
                .setConfiguration(conf)
                .setSavepointRestoreSettings(
                        restore == null ? SavepointRestoreSettings.none() : SavepointRestoreSettings.forPath(restore))
                .setArguments(a.toArray(String[]::new))
                .build();
        return cluster.submitJob(PackagedProgramUtils.createJobGraph(program, conf, 1, false))
                .get()
                .getJobID();
    }

    /**
     * After a fault: drains what {@code watch} (a read_committed consumer of the changelog) still has from
     * before it, then waits up to {@code timeout} for one more committed record; whether one came.
     */
    static boolean changelogFlowsAgain(KafkaConsumer<byte[], byte[]> watch, Duration timeout) {
        while (watch.poll(Duration.ofMillis(300)).count() > 0) {
            // committed before the fault and still on its way
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (watch.poll(Duration.ofMillis(20)).count() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The retained checkpoint whose metadata was written last. */
    private static String newestCheckpoint(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            Path meta = files.filter(f -> f.getFileName().toString().equals("_metadata")
                            && f.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + dir));
            return meta.getParent().toUri().toString();
        }
    }

    static List<GraphChange> changelog(String bootstrap, String prefix) {
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        return KafkaClients.readAll(
                        bootstrap, prefix + "graph.edges", r -> false, Duration.ofMillis(1500), Duration.ZERO)
                .stream()
                .map(r -> codec.decode(r.value()))
                .filter(g -> g.getKind() != GraphChangeKind.CUT)
                .toList();
    }

    static List<EmbeddingRecord> commits(String bootstrap, String prefix) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        return KafkaClients.readAll(
                        bootstrap, prefix + "embeddings", r -> false, Duration.ofMillis(1500), Duration.ZERO)
                .stream()
                .filter(r -> r.value() != null)
                .map(r -> codec.decode(r.value()))
                .filter(EmbeddingRecords::isCommit)
                .toList();
    }

    private static EmbeddingRecord awaitCommit(
            String bootstrap, Predicate<EmbeddingRecord> which, Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (EmbeddingRecord c : commits(bootstrap, PREFIX)) {
                if (which.test(c)) {
                    return c;
                }
            }
            Thread.sleep(500);
        }
        List<String> lines = Files.readAllLines(log);
        fail("no such model version within " + timeout + "; model server log:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        return null;
    }

    /** Seqs 1..N each once; returns each edge's changes in seq order. */
    static Map<String, List<GraphChangeKind>> checkDense(List<GraphChange> changes) {
        BitSet seen = new BitSet();
        Map<String, List<GraphChangeKind>> byEdge = new HashMap<>();
        for (GraphChange g : changes.stream()
                .sorted(Comparator.comparingLong(GraphChange::getSeq))
                .toList()) {
            int s = Math.toIntExact(g.getSeq());
            if (seen.get(s)) {
                fail("seq " + s + " twice: " + g);
            }
            seen.set(s);
            byEdge.computeIfAbsent(g.getUserId() + ">" + g.getItemId(), k -> new ArrayList<>())
                    .add(g.getKind());
        }
        assertEquals(changes.size(), seen.cardinality());
        assertEquals(changes.size(), seen.nextClearBit(1) - 1, "seqs are 1.." + changes.size() + " without a gap");
        return byEdge;
    }

    /** What the changelog must hold per edge, replayed from the accepted interactions in each partition's order. */
    static Map<String, List<GraphChangeKind>> replay(String bootstrap, String prefix) {
        InteractionDecoder decoder = new InteractionDecoder();
        Map<String, List<GraphChangeKind>> expected = new HashMap<>();
        Set<String> present = new HashSet<>();
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(KafkaClients.readAll(
                bootstrap, prefix + "interactions", r -> false, Duration.ofSeconds(3), Duration.ZERO));
        all.sort(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                .thenComparingLong(ConsumerRecord::offset));
        for (ConsumerRecord<byte[], byte[]> r : all) {
            InteractionEvent e = decoder.decode(r.value(), r.timestamp());
            String edge = e.getUserId() + ">" + e.getItemId();
            assertEquals(e.getUserId(), new String(r.key(), UTF_8), "the world keys events by user");
            if (e.getEventType().equals("remove")) {
                if (present.remove(edge)) {
                    expected.get(edge).add(GraphChangeKind.EDGE_REMOVED);
                }
            } else if (present.add(edge)) {
                expected.computeIfAbsent(edge, k -> new ArrayList<>()).add(GraphChangeKind.EDGE_ADDED);
            }
        }
        return expected;
    }
}
