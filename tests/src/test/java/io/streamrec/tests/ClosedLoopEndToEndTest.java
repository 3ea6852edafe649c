package io.streamrec.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.kafka.EmbeddedKafka;
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
import io.streamrec.schemas.avro.ScoredItem;
import io.streamrec.schemas.avro.TrainingTrigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The closed loop end to end, every component real: the synthetic world produces into an embedded
 * KRaft broker; the graph job (the shaded job jar, on a Flink MiniCluster, RocksDB) builds the
 * graph, triggers training and serves; the model server (a child JVM on DJL/PyTorch, MiniLM for
 * item text) trains and publishes versions. Checked: recommendations never contain an item the
 * user has seen; every served version gets rolling metrics; killing the model server (SIGKILL)
 * mid-run loses no edge (after its restart a version has trained on every live edge of the
 * changelog) and serving keeps the last version meanwhile; an item announced with text and never
 * interacted with is recommended to users of its topic.
 */
@SuppressWarnings("try")
class ClosedLoopEndToEndTest {
    private static final String PREFIX = "loop.";

    @Test
    void worldToRecommendationsWithModelServerKilledMidRun() throws Exception {
        Path jar = LoopParts.jobJar();
        Path tmp = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "loop");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), 0)) {
            String bootstrap = kafka.bootstrapServers();
            Configuration conf = LoopParts.flinkConf();
            try (MiniCluster cluster = LoopParts.miniCluster(conf, 2)) {
                cluster.start();
                PackagedProgram program = PackagedProgram.newBuilder()
                        .setJarFile(jar.toFile())
                        .setConfiguration(conf)
                        .setArguments(
                                "--bootstrap-servers",
                                bootstrap,
                                "--topic-prefix",
                                PREFIX,
                                "--partitions",
                                "2",
                                "--parallelism",
                                "2",
                                "--checkpoint-dir",
                                tmp.resolve("checkpoints").toUri().toString(),
                                "--checkpoint-interval",
                                "500ms",
                                "--trigger-edges",
                                "100000000",
                                "--trigger-interval",
                                "6s",
                                "--metrics-count-window",
                                "200",
                                "--metrics-time-window",
                                "3s",
                                "--detached")
                        .build();
                JobGraph graph = PackagedProgramUtils.createJobGraph(program, conf, 1, false);
                JobID job = cluster.submitJob(graph).get().getJobID();
                Path state = tmp.resolve("model-server");
                Path log = tmp.resolve("model-server.log");
                List<String> cmd = LoopParts.serveCommand(
                        "2g",
                        bootstrap,
                        PREFIX,
                        state,
                        "--initial-epochs",
                        "10",
                        "--min-steps",
                        "50",
                        "--max-steps",
                        "50");
                Process server = LoopParts.start(cmd, log);
                SyntheticWorld world = new SyntheticWorld(11, 300, 120, 150, 0.002);
                WorldProducer producer =
                        new WorldProducer(world, bootstrap, PREFIX + "interactions", PREFIX + "items", 300, 0, false);
                Thread worldThread = new Thread(producer, "world");
                worldThread.start();
                try {
                    // two versions served, then SIGKILL the model server
                    awaitCommits(bootstrap, 2, Duration.ofSeconds(150), log);
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    long killedAt = System.currentTimeMillis();
                    awaitTriggersAfter(
                            bootstrap, killedAt, 2, Duration.ofSeconds(60)); // two triggers pass with no model server
                    awaitRecommendation(
                            bootstrap,
                            r -> r.getCreatedTime().toEpochMilli() > killedAt + 2000,
                            Duration.ofSeconds(30));
                    long downtimeEnd = System.currentTimeMillis();
                    // the last version it committed (read after the kill: one may have landed just before it)
                    List<EmbeddingRecord> commits = awaitCommits(bootstrap, 2, Duration.ofSeconds(10), log);
                    long lastBeforeKill = commits.stream()
                            .mapToLong(EmbeddingRecord::getModelVersion)
                            .max()
                            .orElseThrow();
                    List<Recommendation> duringDowntime = recommendations(bootstrap, PREFIX).stream()
                            .filter(r -> r.getCreatedTime().toEpochMilli() > killedAt + 2000
                                    && r.getCreatedTime().toEpochMilli() < downtimeEnd)
                            .toList();
                    assertFalse(duringDowntime.isEmpty(), "serving continues while the model server is down");
                    assertTrue(
                            duringDowntime.stream().allMatch(r -> r.getModelVersion() == lastBeforeKill),
                            "meanwhile every recommendation comes from the last version " + lastBeforeKill);

                    server = LoopParts.start(cmd, log);
                    awaitCommits(bootstrap, (int) lastBeforeKill + 1, Duration.ofSeconds(120), log);
                    // an item announced with text (topic 0: space) that nobody interacts with
                    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap)) {
                        WorldProducer.publishItems(
                                p,
                                PREFIX + "items",
                                List.of(new SyntheticWorld.Item(
                                        "cold-space-item",
                                        0,
                                        "The complete guide to galaxy and rocket",
                                        "All about nebula, orbit and astronaut.")));
                    }
                    long withCold = awaitVersionWith(bootstrap, "i:cold-space-item", Duration.ofSeconds(60), log);
                    awaitRecommendation(
                            bootstrap, r -> r.getModelVersion() >= withCold, Duration.ofSeconds(60)); // served by it
                    producer.stop();
                    worldThread.join(10_000);
                    long worldStopped = System.currentTimeMillis();
                    // after the world stops: a last trigger (a CUT through the last edge), and a version trained
                    // through it
                    List<GraphChange> changelog = awaitCutThroughTheEnd(bootstrap, Duration.ofSeconds(60));
                    long lastSeq = changelog.stream()
                            .filter(g -> g.getKind() != GraphChangeKind.CUT)
                            .mapToLong(GraphChange::getSeq)
                            .max()
                            .orElseThrow();
                    EmbeddingRecord last =
                            awaitCommit(bootstrap, c -> c.getThroughSeq() >= lastSeq, Duration.ofSeconds(90), log);
                    Map<String, Boolean> live = new HashMap<>();
                    for (GraphChange g : changelog) {
                        if (g.getKind() != GraphChangeKind.CUT && g.getSeq() <= last.getThroughSeq()) {
                            live.put(g.getUserId() + ">" + g.getItemId(), g.getKind() == GraphChangeKind.EDGE_ADDED);
                        }
                    }
                    long liveEdges = live.values().stream().filter(b -> b).count();
                    assertEquals(
                            (double) liveEdges,
                            last.getMetrics().get("edges"),
                            "the version after the kill and restart has trained on every live edge of the changelog, once");

                    List<Recommendation> recs = recommendations(bootstrap, PREFIX);
                    checkNoSeenItems(bootstrap, PREFIX, recs);
                    checkMetricsPerVersion(bootstrap, PREFIX, worldStopped);
                    checkColdItem(world, recs, withCold);
                } finally {
                    producer.stop();
                    server.destroyForcibly();
                    cluster.cancelJob(job).get();
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (Exception e) {
            return "(no model server log: " + e + ")";
        }
    }

    private static List<EmbeddingRecord> commits(List<ConsumerRecord<byte[], byte[]>> records) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        return records.stream()
                .filter(r -> r.value() != null)
                .map(r -> codec.decode(r.value()))
                .filter(EmbeddingRecords::isCommit)
                .toList();
    }

    private static List<EmbeddingRecord> awaitCommits(String bootstrap, int n, Duration timeout, Path log) {
        List<EmbeddingRecord> c = commits(KafkaClients.readAll(
                bootstrap, PREFIX + "embeddings", r -> commits(r).size() >= n, timeout, Duration.ofMillis(500)));
        assertTrue(
                c.size() >= n,
                "expected " + n + " model versions, got " + c.size() + "; model server log:\n" + tail(log));
        return c;
    }

    private static EmbeddingRecord awaitCommit(
            String bootstrap, Predicate<EmbeddingRecord> which, Duration timeout, Path log) {
        List<EmbeddingRecord> c = commits(KafkaClients.readAll(
                bootstrap,
                PREFIX + "embeddings",
                r -> commits(r).stream().anyMatch(which),
                timeout,
                Duration.ofMillis(500)));
        return c.stream()
                .filter(which)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no such model version among " + c.size() + "; model server log:\n" + tail(log)));
    }

    /** The first version that carries the keyed record {@code key}. */
    private static long awaitVersionWith(String bootstrap, String key, Duration timeout, Path log) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        List<ConsumerRecord<byte[], byte[]>> rs = KafkaClients.readAll(
                bootstrap,
                PREFIX + "embeddings",
                r -> r.stream().anyMatch(x -> new String(x.key(), UTF_8).equals(key)),
                timeout,
                Duration.ofMillis(500));
        return rs.stream()
                .filter(x -> new String(x.key(), UTF_8).equals(key))
                .map(x -> codec.decode(x.value()).getModelVersion())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no version has " + key + "; model server log:\n" + tail(log)));
    }

    /** Waits for {@code n} training triggers made after {@code since} (epoch ms). */
    private static void awaitTriggersAfter(String bootstrap, long since, int n, Duration timeout) {
        AvroCodec<TrainingTrigger> codec = AvroCodec.of(TrainingTrigger.class);
        Predicate<List<ConsumerRecord<byte[], byte[]>>> enough = rs -> rs.stream()
                        .filter(r -> codec.decode(r.value()).getCreatedTime().toEpochMilli() > since)
                        .count()
                >= n;
        assertTrue(
                enough.test(KafkaClients.readAll(
                        bootstrap, PREFIX + "training.triggers", enough, timeout, Duration.ofMillis(500))),
                n + " training triggers after " + since + " within " + timeout);
    }

    /** Waits for a recommendation that satisfies {@code which}. */
    private static void awaitRecommendation(String bootstrap, Predicate<Recommendation> which, Duration timeout) {
        AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);
        Predicate<List<ConsumerRecord<byte[], byte[]>>> found =
                rs -> rs.stream().anyMatch(r -> which.test(codec.decode(r.value())));
        assertTrue(
                found.test(KafkaClients.readAll(
                        bootstrap, PREFIX + "recommendations", found, timeout, Duration.ofMillis(500))),
                "no such recommendation within " + timeout);
    }

    /** The changelog once a CUT covers its last edge change (what a last trigger after the world stopped writes). */
    private static List<GraphChange> awaitCutThroughTheEnd(String bootstrap, Duration timeout) {
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        Predicate<List<ConsumerRecord<byte[], byte[]>>> covered = rs -> {
            List<GraphChange> g = rs.stream().map(r -> codec.decode(r.value())).toList();
            long lastEdge = g.stream()
                    .filter(c -> c.getKind() != GraphChangeKind.CUT)
                    .mapToLong(GraphChange::getSeq)
                    .max()
                    .orElse(-1);
            return lastEdge > 0
                    && g.stream().anyMatch(c -> c.getKind() == GraphChangeKind.CUT && c.getSeq() >= lastEdge);
        };
        List<ConsumerRecord<byte[], byte[]>> rs =
                KafkaClients.readAll(bootstrap, PREFIX + "graph.edges", covered, timeout, Duration.ofMillis(500));
        assertTrue(covered.test(rs), "no CUT through the changelog's last edge within " + timeout);
        return rs.stream().map(r -> codec.decode(r.value())).toList();
    }

    static List<Recommendation> recommendations(String bootstrap, String prefix) {
        AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);
        return KafkaClients.readAll(
                        bootstrap, prefix + "recommendations", r -> false, Duration.ofSeconds(3), Duration.ofSeconds(1))
                .stream()
                .map(r -> codec.decode(r.value()))
                .toList();
    }

    /**
     * Replays each user's interactions (per-user order is the topic's order) and checks each
     * recommendation against the user's items as of its event: none may be an item the user had
     * interacted with (and not removed). Items touched in the same millisecond as the event are
     * left out of the check (their order relative to it is not known from times alone).
     */
    static void checkNoSeenItems(String bootstrap, String prefix, List<Recommendation> recs) {
        InteractionDecoder decoder = new InteractionDecoder();
        Map<String, List<InteractionEvent>> byUser = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readAll(
                bootstrap, prefix + "interactions", x -> false, Duration.ofSeconds(3), Duration.ofSeconds(1))) {
            InteractionEvent e = decoder.decode(r.value(), r.timestamp());
            byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e);
        }
        int checked = 0;
        for (Recommendation rec : recs) {
            long t = rec.getEventTime().toEpochMilli();
            Set<String> seen = new HashSet<>();
            Set<String> sameMs = new HashSet<>();
            for (InteractionEvent e : byUser.getOrDefault(rec.getUserId(), List.of())) {
                long et = e.getEventTime().toEpochMilli();
                if (et > t) {
                    break;
                }
                if (et == t) {
                    sameMs.add(e.getItemId());
                } else if (e.getEventType().equals("remove")) {
                    seen.remove(e.getItemId());
                } else {
                    seen.add(e.getItemId());
                }
            }
            for (ScoredItem it : rec.getItems()) {
                assertFalse(
                        seen.contains(it.getItemId()) && !sameMs.contains(it.getItemId()),
                        "recommendation for " + rec.getUserId() + " at " + rec.getEventTime() + " contains seen item "
                                + it.getItemId());
            }
            checked++;
        }
        System.out.printf("%d recommendations checked: none contains a seen item%n", checked);
        assertTrue(checked > 1000, "too few recommendations to mean anything: " + checked);
    }

    /** Every version served while events were flowing (2 s before the world stopped) has rolling metrics. */
    static void checkMetricsPerVersion(String bootstrap, String prefix, long worldStopped) {
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        List<MetricPoint> points = KafkaClients.readAll(
                        bootstrap, prefix + "metrics", r -> false, Duration.ofSeconds(3), Duration.ofSeconds(1))
                .stream()
                .map(r -> codec.decode(r.value()))
                .toList();
        Set<Long> served = new HashSet<>();
        Set<Long> scored = new HashSet<>();
        for (MetricPoint p : points) {
            if (p.getName().equals("version_live_seconds")) {
                if (p.getTime().toEpochMilli() < worldStopped - 2000) {
                    served.add(p.getModelVersion());
                }
            } else if (p.getName().equals("ndcg@10") && p.getScorer().equals("model")) {
                scored.add(p.getModelVersion());
                assertTrue(p.getValue() >= 0 && p.getValue() <= 1, "ndcg in [0, 1]: " + p);
            }
        }
        assertTrue(served.size() >= 3, "served versions: " + served);
        for (long v : served) {
            assertTrue(scored.contains(v), "no rolling NDCG for served version " + v + " (scored: " + scored + ")");
        }
    }

    /** The announced item reaches users whose favourite topic is its topic, more than others. */
    private static void checkColdItem(SyntheticWorld world, List<Recommendation> recs, long version) {
        int matching = 0;
        int matchingWith = 0;
        int other = 0;
        int otherWith = 0;
        for (Recommendation r : recs) {
            if (r.getModelVersion() < version || !r.getUserId().startsWith("user-")) {
                continue;
            }
            boolean has = r.getItems().stream().anyMatch(i -> i.getItemId().equals("cold-space-item"));
            if (world.favouriteTopic(r.getUserId()) == 0) {
                matching++;
                matchingWith += has ? 1 : 0;
            } else {
                other++;
                otherWith += has ? 1 : 0;
            }
        }
        System.out.printf(
                "cold item (version %d on): in %d of %d recommendations of its topic's users, %d of %d of others%n",
                version, matchingWith, matching, otherWith, other);
        assertTrue(matching > 20, "too few recommendations for users of the item's topic: " + matching);
        assertTrue(
                matchingWith > 0,
                "the cold item was never recommended to users of its topic (" + matching + " recommendations)");
        assertTrue(
                (double) matchingWith / matching > 2.0 * otherWith / Math.max(1, other),
                "the cold item should go to its topic's users: " + matchingWith + "/" + matching + " vs " + otherWith
                        + "/" + other);
    }
}
