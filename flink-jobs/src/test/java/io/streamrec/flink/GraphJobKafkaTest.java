package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.job.Checkpoints;
import io.streamrec.flink.job.GraphJobConfig;
import io.streamrec.flink.job.GraphJobRunner;
import io.streamrec.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The graph job on a real embedded Kafka broker and a Flink MiniCluster with RocksDB state and
 * exactly-once sinks: no mocks.
 */
class GraphJobKafkaTest {
    private static final int PARTITIONS = 2;

    private static GraphJobConfig config(String prefix, Path checkpoints) {
        Topics topics = new Topics(prefix);
        TopicProvisioner.ensureTopics(SharedBroker.bootstrap(), Map.of(), topics, PARTITIONS, (short) 1);
        return GraphJobConfig.builder(SharedBroker.bootstrap(), topics)
                .groupId(prefix + "job")
                .parallelism(2)
                .edgesPartitions(PARTITIONS)
                .triggerEdges(10_000)
                .triggerInterval(Duration.ofSeconds(3))
                .checkpointDir(checkpoints.toUri().toString())
                .checkpointInterval(Duration.ofMillis(500))
                .transactionTimeout(Duration.ofMinutes(5))
                .itemDegrees(true)
                .build(); // the optional degree stage, so the changelog's degrees are checked too
    }

    private static Configuration local() {
        Configuration c = new Configuration();
        c.setString("taskmanager.numberOfTaskSlots", "4");
        return c;
    }

    private static Path tempDir(String name) throws Exception {
        return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), name + "-" + System.nanoTime()));
    }

    @Test
    void hundredThousandEventsWithOnePercentMalformed() throws Exception {
        GraphJobConfig cfg = config("e2e.", tempDir("chk"));
        TestWorkload w = new TestWorkload(42, 3_000, 1_500).generate(100_000, 125);
        SharedBroker.produce(cfg.topics().interactions(), w.records);

        JobClient job = GraphJobRunner.start(cfg, local());
        try {
            List<ConsumerRecord<byte[], byte[]>> edges = SharedBroker.consume(
                    cfg.topics().graphEdges(),
                    r -> ChangelogCheck.edgeCount(r) >= w.expectedChanges(),
                    Duration.ofSeconds(180));
            List<ConsumerRecord<byte[], byte[]>> dlq = SharedBroker.consume(
                    cfg.topics().deadLetters(), r -> r.size() >= w.malformed.size(), Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> triggers =
                    SharedBroker.consume(cfg.topics().trainingTriggers(), r -> !r.isEmpty(), Duration.ofSeconds(10));
            ChangelogCheck.checkChangelog(w, edges, triggers, PARTITIONS);
            ChangelogCheck.checkDeadLetters(w, dlq, cfg.topics().interactions());
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void restartFromLatestCheckpointLosesAndRepeatsNothing() throws Exception {
        Path checkpoints = tempDir("chk");
        GraphJobConfig cfg = config("restart.", checkpoints);
        TestWorkload w = new TestWorkload(7, 2_000, 1_000).generate(60_000, 40);
        int half = w.records.size() / 2;
        // then remove every edge: each removal reports the weight the job accumulated for it, so the
        // changelog check below also proves the final adjacency (every event applied exactly once)
        int edgesBeforeRemoval =
                w.adjacency.values().stream().mapToInt(Map::size).sum();
        w.removeEverything();
        JobClient first = GraphJobRunner.start(cfg, local());
        // the first half arrives over ~3 s while the job runs; cancel it in the middle of that, with
        // events in flight and transactions open
        Thread producer = new Thread(() -> {
            List<byte[][]> firstHalf = w.records.subList(0, half);
            for (int from = 0; from < half; from += 1_000) {
                SharedBroker.produce(
                        cfg.topics().interactions(), firstHalf.subList(from, Math.min(half, from + 1_000)));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        producer.start();
        SharedBroker.consume(cfg.topics().graphEdges(), r -> r.size() >= 5_000, Duration.ofSeconds(120));
        first.cancel().get();
        producer.join();
        assertThrows(
                ExecutionException.class, () -> first.getJobExecutionResult().get(), "cancelled job ends in failure");
        String latest = Checkpoints.latest(checkpoints.toUri().toString());
        assertNotNull(latest, "a retained checkpoint");
        damagedCheckpointsAreSkipped(checkpoints, latest);

        SharedBroker.produce(cfg.topics().interactions(), w.records.subList(half, w.records.size()));
        JobClient second = GraphJobRunner.start(cfg.withRestorePath(latest), local());
        try {
            List<ConsumerRecord<byte[], byte[]>> edges = SharedBroker.consume(
                    cfg.topics().graphEdges(),
                    r -> ChangelogCheck.edgeCount(r) >= w.expectedChanges(),
                    Duration.ofSeconds(180));
            List<ConsumerRecord<byte[], byte[]>> triggers =
                    SharedBroker.consume(cfg.topics().trainingTriggers(), r -> !r.isEmpty(), Duration.ofSeconds(10));
            List<ConsumerRecord<byte[], byte[]>> dlq = SharedBroker.consume(
                    cfg.topics().deadLetters(), r -> r.size() >= w.malformed.size(), Duration.ofSeconds(60));
            ChangelogCheck.checkChangelog(w, edges, triggers, PARTITIONS);
            ChangelogCheck.checkDeadLetters(w, dlq, cfg.topics().interactions());
            assertTrue(w.expectedChanges() > 2_000);
            assertTrue(
                    edgesBeforeRemoval > 10_000,
                    "the final adjacency checked through its removals: " + edgesBeforeRemoval);
        } finally {
            second.cancel().get();
        }
    }

    /**
     * On the real retained checkpoints of the cancelled job: a truncated {@code _metadata} and a
     * truncated RocksDB file make {@link Checkpoints#latest} skip every checkpoint that needs them,
     * for an intact older one or none. Each damage is undone afterwards.
     */
    private static void damagedCheckpointsAreSkipped(Path checkpoints, String latest) throws Exception {
        String dir = checkpoints.toUri().toString();
        List<org.apache.flink.core.fs.Path> all = Checkpoints.complete(dir);
        assertEquals(latest, all.get(0).toString());
        for (org.apache.flink.core.fs.Path c : all) {
            assertTrue(Checkpoints.damage(c).isEmpty(), c + ": " + Checkpoints.damage(c));
        }
        Path meta = Path.of(all.get(0).toUri()).resolve("_metadata");
        byte[] original = Files.readAllBytes(meta);
        try {
            Files.write(meta, Arrays.copyOf(original, original.length / 2));
            assertTrue(Checkpoints.damage(all.get(0)).orElseThrow().contains("does not parse"));
            assertEquals(all.size() > 1 ? all.get(1).toString() : null, Checkpoints.latest(dir));
        } finally {
            Files.write(meta, original);
        }
        // a RocksDB file a retained checkpoint needs (shared/ may also hold files of subsumed checkpoints that the
        // cancelled job had not deleted yet: truncating one of those damages nothing), the largest first
        List<Path> sharedFiles;
        try (var files = Files.walk(checkpoints)) {
            sharedFiles = files.filter(
                            f -> f.getParent().getFileName().toString().equals("shared") && Files.isRegularFile(f))
                    .sorted(Comparator.comparingLong((Path f) -> f.toFile().length())
                            .reversed())
                    .toList();
        }
        assertFalse(sharedFiles.isEmpty(), "no RocksDB file in shared/");
        int needIt = 0;
        for (Path shared : sharedFiles) {
            byte[] sst = Files.readAllBytes(shared);
            try {
                Files.write(shared, Arrays.copyOf(sst, sst.length - 1));
                for (org.apache.flink.core.fs.Path c : all) {
                    Optional<String> d = Checkpoints.damage(c);
                    assertTrue(
                            d.isEmpty()
                                    || d.get().contains(shared.getFileName().toString())
                                            && d.get().contains("bytes"),
                            c + ": " + d);
                    needIt += d.isPresent() ? 1 : 0;
                }
                if (needIt > 0) {
                    String chosen = Checkpoints.latest(dir);
                    assertTrue(
                            chosen == null
                                    || Checkpoints.damage(new org.apache.flink.core.fs.Path(chosen))
                                            .isEmpty(),
                            chosen);
                }
            } finally {
                Files.write(shared, sst);
            }
            if (needIt > 0) {
                break;
            }
        }
        assertTrue(needIt > 0, "a file in shared/ belongs to a retained checkpoint");
        assertEquals(latest, Checkpoints.latest(dir));
    }
}
