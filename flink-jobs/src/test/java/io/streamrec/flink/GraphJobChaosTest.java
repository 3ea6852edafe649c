package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.job.Checkpoints;
import io.streamrec.flink.job.GraphJobConfig;
import io.streamrec.flink.job.GraphJobRunner;
import io.streamrec.kafka.BrokerProcess;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Seeded random kills of the graph job and its broker while events stream in, mixing a TaskManager
 * failure (its process gone: Flink restores the job from its latest checkpoint on a new
 * TaskManager), the same while a checkpoint is in progress, a cancel followed by a resubmission
 * from the latest retained checkpoint (what {@code pipeline} does after a crash), and a SIGKILL of
 * the broker (a child JVM, {@link BrokerProcess}) restarted on the same log directory. Afterwards every expected change
 * is in the changelog exactly once, in order per edge, with dense seqs (and, because the workload
 * ends by removing every edge, the final adjacency is every event applied once), and every
 * malformed record is dead-lettered once. Reports the recovery time per kind of kill: from the
 * kill to the next changelog record committed by the recovered job.
 *
 * <p>4 kills in the suite, one of each kind; {@code -Dstreamrec.chaos.kills=10 -Dstreamrec.chaos.seed=S} for the
 * long form (BENCHMARKS.md §11).
 */
class GraphJobChaosTest {
    private static final int PARTITIONS = 2;

    enum Kill {
        TASK_MANAGER,
        TASK_MANAGER_DURING_CHECKPOINT,
        CANCEL_AND_RESTORE,
        BROKER
    }

    @Test
    void seededKillsLoseAndRepeatNothing() throws Exception {
        int kills = Integer.getInteger("streamrec.chaos.kills", Kill.values().length); // the suite: each kind once
        long seed = Long.getLong("streamrec.chaos.seed", 2);
        Random random = new Random(seed);
        Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "chaos-" + System.nanoTime()));
        Path checkpoints = Files.createDirectories(tmp.resolve("checkpoints"));
        Topics topics = new Topics("chaos.");
        try (BrokerProcess broker = BrokerProcess.start(tmp.resolve("kafka"))) { // a child JVM: it can be killed
            run(kills, seed, random, broker, checkpoints, topics);
        }
    }

    private static void run(int kills, long seed, Random random, BrokerProcess broker, Path checkpoints, Topics topics)
            throws Exception {
        String bootstrap = broker.bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, Map.of(), topics, PARTITIONS, (short) 1);
        GraphJobConfig cfg = GraphJobConfig.builder(bootstrap, topics)
                .groupId(topics.prefix() + "job")
                .parallelism(2)
                .edgesPartitions(PARTITIONS)
                .triggerEdges(10_000)
                .triggerInterval(Duration.ofSeconds(3))
                .checkpointDir(checkpoints.toUri().toString())
                .checkpointInterval(Duration.ofMillis(500))
                .transactionTimeout(Duration.ofMinutes(5))
                .build();
        TestWorkload w = new TestWorkload(seed, 2_000, 1_000).generate(15_000 * (kills + 1), 20);
        w.removeEverything();

        Configuration conf = GraphJobRunner.localDefaults();
        conf.set(RestOptions.PORT, 0);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(4)
                        .build());
                ChangelogWatch watch = new ChangelogWatch(bootstrap, topics.graphEdges())) {
            cluster.start();
            JobID job =
                    cluster.submitJob(GraphJobRunner.jobGraph(cfg, conf)).get().getJobID();
            // the events arrive over about 5 s per kill, in chunks, while the kills happen
            long perChunkMs = Math.max(5, 5_000L * (kills + 1) / Math.max(1, w.records.size() / 500));
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producer = new Thread(
                    () -> {
                        for (int from = 0; from < w.records.size(); from += 500) {
                            produce(
                                    bootstrap,
                                    topics.interactions(),
                                    w.records.subList(from, Math.min(w.records.size(), from + 500)));
                            try {
                                Thread.sleep(perChunkMs);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        producing.set(false);
                    },
                    "chaos-producer");
            producer.start();
            watch.awaitGrowth(0, Duration.ofSeconds(120)); // the job runs and commits

            int taskManager = 0; // MiniCluster keeps terminated TaskManagers in its list: the live one is the newest
            Map<Kill, List<Long>> recovery = new EnumMap<>(Kill.class);
            List<Kill> order = new ArrayList<>(List.of(Kill.values())); // every kind once per round, in a seeded order
            Collections.shuffle(order, random);
            for (int k = 0; k < kills; k++) {
                Thread.sleep(500 + random.nextInt(2_000));
                Kill kind = order.get(k % order.size());
                long t0 = System.nanoTime();
                switch (kind) {
                    case TASK_MANAGER -> {
                        cluster.terminateTaskManager(taskManager).get();
                        cluster.startTaskManager();
                        taskManager++;
                    }
                    case TASK_MANAGER_DURING_CHECKPOINT -> {
                        var inFlight =
                                cluster.triggerCheckpoint(job); // not awaited: the TaskManager dies while it runs
                        Thread.sleep(random.nextInt(40));
                        cluster.terminateTaskManager(taskManager).get();
                        cluster.startTaskManager();
                        taskManager++;
                        inFlight.handle((p, e) -> null);
                    }
                    case BROKER -> { // SIGKILL, down for up to 2 s, then the same log directory and port again
                        broker.kill();
                        Thread.sleep(random.nextInt(2_000));
                        broker.restart();
                    }
                    case CANCEL_AND_RESTORE -> {
                        cluster.cancelJob(job).get();
                        awaitTerminal(cluster, job);
                        String latest = Checkpoints.latest(checkpoints.toUri().toString());
                        assertNotNull(latest, "a retained checkpoint to restore");
                        job = cluster.submitJob(GraphJobRunner.jobGraph(cfg.withRestorePath(latest), conf))
                                .get()
                                .getJobID();
                    }
                }
                Thread.sleep(200); // what was committed before the kill and is still on its way to the watch
                long ms = watch.awaitGrowth(watch.count(), Duration.ofSeconds(120)) - TimeUnit.NANOSECONDS.toMillis(t0);
                recovery.computeIfAbsent(kind, x -> new ArrayList<>()).add(ms);
                System.out.printf(
                        Locale.ROOT,
                        "chaos kill %d/%d: %s, next changelog commit %d ms after it (%d changes so far)%n",
                        k + 1,
                        kills,
                        kind,
                        ms,
                        watch.count());
            }
            producer.join();
            assertTrue(!producing.get(), "the producer finished");
            List<ConsumerRecord<byte[], byte[]>> edges = KafkaClients.readAll(
                    bootstrap,
                    topics.graphEdges(),
                    r -> ChangelogCheck.edgeCount(r) >= w.expectedChanges(),
                    Duration.ofSeconds(180),
                    Duration.ofMillis(1500));
            List<ConsumerRecord<byte[], byte[]>> triggers = KafkaClients.readAll(
                    bootstrap,
                    topics.trainingTriggers(),
                    r -> !r.isEmpty(),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(1500));
            List<ConsumerRecord<byte[], byte[]>> dlq = KafkaClients.readAll(
                    bootstrap,
                    topics.deadLetters(),
                    r -> r.size() >= w.malformed.size(),
                    Duration.ofSeconds(60),
                    Duration.ofMillis(1500));
            ChangelogCheck.checkChangelog(w, edges, triggers, PARTITIONS);
            ChangelogCheck.checkDeadLetters(w, dlq, topics.interactions());
            StringBuilder summary = new StringBuilder();
            recovery.forEach((kind, times) -> summary.append(String.format(Locale.ROOT, " %s %s ms;", kind, times)));
            System.out.printf(
                    Locale.ROOT,
                    "chaos seed %d: %d kills survived, %d changes exactly once (0 lost, 0 repeated), %d dead letters;%s%n",
                    seed,
                    kills,
                    w.expectedChanges(),
                    w.malformed.size(),
                    summary);
            cluster.cancelJob(job).get();
        }
    }

    private static void produce(String bootstrap, String topic, List<byte[][]> keyValues) {
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaClients.producer(bootstrap)) { // idempotent: retried across a broker restart
            for (byte[][] kv : keyValues) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
            producer.flush();
        }
    }

    private static void awaitTerminal(MiniCluster cluster, JobID job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cluster.getJobStatus(job).get().isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(
                cluster.getJobStatus(job).get() == JobStatus.CANCELED,
                "cancelled: " + cluster.getJobStatus(job).get());
    }

    /** Counts committed changelog records as they appear (read_committed), with the time of the latest. */
    private static final class ChangelogWatch implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong lastMs = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        ChangelogWatch(String bootstrap, String topic) {
            thread = new Thread(
                    () -> {
                        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
                            List<TopicPartition> parts =
                                    List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
                            c.assign(parts);
                            c.seekToBeginning(parts);
                            while (running.get()) {
                                int n = c.poll(Duration.ofMillis(20)).count();
                                if (n > 0) {
                                    lastMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
                                    count.addAndGet(n);
                                }
                            }
                        }
                    },
                    "changelog-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return count.get();
        }

        /** Waits until more than {@code before} records were read; returns when the newest arrived (nanoTime ms). */
        long awaitGrowth(long before, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count.get() <= before && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(
                    count.get() > before, "no changelog record committed within " + timeout + " (had " + before + ")");
            return lastMs.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
