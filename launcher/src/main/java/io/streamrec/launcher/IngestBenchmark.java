package io.streamrec.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.common.Defaults;
import io.streamrec.common.Durations;
import io.streamrec.common.Percentiles;
import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.job.GraphJobConfig;
import io.streamrec.flink.job.GraphJobRunner;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sustained throughput of Kafka → graph job → changelog (exactly-once, RocksDB) and end-to-end
 * latency at a steady rate, on a real embedded broker and a local Flink MiniCluster.
 */
@Command(
        name = "bench-ingest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Measures the graph job: events/s through Kafka -> graph job -> changelog (exactly-once) at each "
                + "parallelism, then p50/p99 event -> committed changelog latency at a steady rate. Writes JSON.")
public final class IngestBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestBenchmark.class);

    @Option(
            names = "--events",
            defaultValue = "2000000",
            description = "Events per throughput run. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--users", defaultValue = "200000", description = "Distinct users. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(
            names = "--items",
            defaultValue = "50000",
            description = "Distinct items (Zipf-like popularity). Default: ${DEFAULT-VALUE}.")
    int items;

    @Option(
            names = "--parallelism",
            split = ",",
            defaultValue = "1,2",
            description = "Parallelisms to measure. Default: ${DEFAULT-VALUE}.")
    List<Integer> parallelisms;

    @Option(
            names = "--partitions",
            defaultValue = Defaults.PARTITIONS,
            description = "Partitions of the input and changelog topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = Defaults.CHECKPOINT_INTERVAL,
            converter = Durations.class,
            description = "Checkpoint interval of the job. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--latency-rate",
            defaultValue = "20000",
            description = "Events/s of the latency run (0 skips it). Default: ${DEFAULT-VALUE}.")
    int latencyRate;

    @Option(
            names = "--latency-seconds",
            defaultValue = "30",
            description = "Length of the latency run. Default: ${DEFAULT-VALUE}.")
    int latencySeconds;

    @Option(
            names = "--latency-checkpoint-interval",
            defaultValue = "500ms",
            converter = Durations.class,
            description =
                    "Checkpoint interval of the latency run (read_committed consumers see edges at each commit). Default: ${DEFAULT-VALUE}.")
    Duration latencyCheckpointInterval;

    @Option(
            names = "--work",
            defaultValue = "bench/work/ingest",
            description = "Scratch directory (broker log, checkpoints). Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(
            names = "--out",
            defaultValue = "bench/results/ingest-throughput.json",
            description = "Results file. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(
            names = "--warmup-events",
            defaultValue = "500000",
            description =
                    "Events of an unmeasured warm-up job first (JIT compilation), as a benchmark harness would. Default: ${DEFAULT-VALUE}.")
    int warmupEvents;

    @Option(
            names = "--serving",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Run the job with serving on (as deployed; no model is published, so nothing is scored) or off. Default: ${DEFAULT-VALUE}.")
    boolean serving;

    @Option(names = "--seed", defaultValue = "1", description = "Workload seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    private String bootstrap;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || users < 1 || items < 1 || partitions < 1) {
            throw new IllegalArgumentException("--events, --users, --items and --partitions must be positive");
        }
        deleteRecursively(work);
        Files.createDirectories(work);
        ObjectNode result = new ObjectMapper().createObjectNode();
        ObjectNode details = result.objectNode();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), 0)) {
            bootstrap = kafka.bootstrapServers();
            LOG.info("Generating {} events over {} users and {} items", events, users, items);
            Workload w = Workload.generate(events, users, items, seed);
            LOG.info(
                    "Workload: {} events, {} distinct edges (the changelog must hold exactly these), {} bytes per event on average",
                    events,
                    w.distinctEdges,
                    w.bytes / events);
            boolean exactlyOnce = true;
            if (warmupEvents > 0) {
                LOG.info("Warm-up: {} events through a separate job (not measured)", warmupEvents);
                throughputRun(
                        Workload.generate(warmupEvents, users, items, seed + 1000),
                        parallelisms.get(0),
                        "bench-warmup.");
            }
            for (int p : parallelisms) {
                ObjectNode run = throughputRun(w, p, "bench-p" + p + ".");
                details.set("p" + p, run);
                result.put(
                        "events_per_second_p" + p, run.get("events_per_second").asDouble());
                exactlyOnce &= run.get("changelog_exact").asBoolean();
            }
            if (latencyRate > 0) {
                ObjectNode lat = latencyRun(parallelisms.get(parallelisms.size() - 1));
                details.set("latency", lat);
                result.put("latency_ms_p50", lat.get("p50_ms").asDouble());
                result.put("latency_ms_p99", lat.get("p99_ms").asDouble());
            }
            result.put("exactly_once", exactlyOnce);
        }
        details.put("events", events);
        details.put("users", users);
        details.put("items", items);
        details.put("partitions", partitions);
        details.put("checkpoint_interval_ms", checkpointInterval.toMillis());
        details.put("state_backend", "rocksdb (incremental checkpoints)");
        details.put("delivery", "exactly-once Kafka sinks (transactions), read_committed verification");
        details.put("serving", serving);
        details.put("cpus", Runtime.getRuntime().availableProcessors());
        details.put("measured_at", Instant.now().toString());
        details.put("command", System.getProperty("streamrec.command", "streamrec bench-ingest"));
        result.set("details", details);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        System.out.println(
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        LOG.info("Wrote {}", out);
        return 0;
    }

    /** Pre-encoded Avro events keyed by user, and how many distinct edges they make. */
    record Workload(List<byte[][]> records, long distinctEdges, long bytes) {
        static Workload generate(int n, int users, int items, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
            String[] types = {"view", "view", "view", "click", "click", "cart", "purchase", "like"};
            long base = System.currentTimeMillis() - 3_600_000L;
            Set<Long> edges = new HashSet<>(n * 2);
            List<byte[][]> records = new ArrayList<>(n);
            long bytes = 0;
            InteractionEvent e = new InteractionEvent();
            for (int k = 0; k < n; k++) {
                int u = (int) (Math.pow(rnd.nextDouble(), 1.5) * users); // some users far more active
                int i = (int) (Math.pow(rnd.nextDouble(), 3.0) * items); // popularity skew
                e.setUserId("u" + u);
                e.setItemId("i" + i);
                e.setEventType(types[rnd.nextInt(types.length)]);
                e.setValue(null);
                e.setEventTime(Instant.ofEpochMilli(base + k / 1000));
                e.setProperties(null);
                byte[] v = codec.encode(e);
                bytes += v.length;
                records.add(new byte[][] {("u" + u).getBytes(StandardCharsets.UTF_8), v});
                edges.add(((long) u << 32) | i);
            }
            return new Workload(records, edges.size(), bytes);
        }
    }

    private GraphJobConfig config(String prefix, int parallelism, Duration checkpoints) {
        Topics topics = new Topics(prefix);
        TopicProvisioner.ensureTopics(bootstrap, Map.of(), topics, partitions, (short) 1);
        return GraphJobConfig.builder(bootstrap, topics)
                .groupId(prefix + "graph-job")
                .parallelism(parallelism)
                .edgesPartitions(partitions)
                .triggerInterval(Duration.ofSeconds(60))
                .checkpointDir(work.resolve("checkpoints-" + prefix).toUri().toString())
                .checkpointInterval(checkpoints)
                .serving(serving ? ServingConfig.defaults() : ServingConfig.disabled())
                .build();
    }

    private ObjectNode throughputRun(Workload w, int parallelism, String prefix) throws Exception {
        int events = w.records().size();
        GraphJobConfig cfg = config(prefix, parallelism, checkpointInterval);
        long t0 = System.nanoTime();
        produce(cfg.topics().interactions(), w.records());
        double produceSeconds = (System.nanoTime() - t0) / 1e9;
        LOG.info(
                "Produced {} events in {} s ({} events/s); starting the job at parallelism {}",
                events,
                String.format("%.1f", produceSeconds),
                String.format("%.0f", events / produceSeconds),
                parallelism);

        JobClient job = GraphJobRunner.start(cfg, GraphJobRunner.localDefaults());
        long submitted = System.nanoTime();
        List<long[]> samples = new ArrayList<>(); // {nanos, committed source offsets}
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            long done = 0;
            long lastLog = System.nanoTime();
            while (done < events) {
                Thread.sleep(100);
                if (job.getJobExecutionResult().isDone()) {
                    job.getJobExecutionResult().get(); // throws the job's failure
                    throw new IllegalStateException(
                            "the graph job ended before processing all events (" + done + " of " + events + ")");
                }
                done = committed(admin, cfg.groupId());
                samples.add(new long[] {System.nanoTime(), done});
                if (System.nanoTime() - lastLog > 5e9) {
                    LOG.info("p{}: {} / {} events committed", parallelism, done, events);
                    lastLog = System.nanoTime();
                }
                if (System.nanoTime() - submitted > TimeUnit.MINUTES.toNanos(20)) {
                    throw new IllegalStateException(
                            "job did not finish " + events + " events in 20 minutes (" + done + ")");
                }
            }
        }
        long finished = System.nanoTime();
        // the changelog: every distinct edge exactly once, dense sequence numbers
        long[] check = verifyChangelog(cfg.topics().graphEdges(), w.distinctEdges());
        job.cancel().get();
        double sustained = sustainedRate(samples, events);
        double overall = events / ((finished - submitted) / 1e9);
        if (Double.isNaN(sustained)) {
            LOG.warn(
                    "p{}: too few events between offset commits to measure a sustained rate; reporting the rate from submission",
                    parallelism);
            sustained = overall;
        }
        ObjectNode run = new ObjectMapper().createObjectNode();
        run.put("events_per_second", Math.round(sustained));
        run.put("events_per_second_including_startup", Math.round(overall));
        run.put("seconds_submit_to_all_committed", (finished - submitted) / 1e9);
        run.put("produce_events_per_second", Math.round(events / produceSeconds));
        run.put("changelog_edges", check[0]);
        run.put("expected_edges", w.distinctEdges());
        run.put("changelog_exact", check[1] == 1);
        LOG.info(
                "p{}: {} events/s sustained (first to last offset commit), {} events/s from submission; changelog {} edges, expected {}",
                parallelism,
                Math.round(sustained),
                Math.round(overall),
                check[0],
                w.distinctEdges());
        return run;
    }

    /**
     * Events/s between the first and the last checkpoint that committed source offsets: the
     * committed input only moves when a checkpoint completes, so both ends are measured at the
     * same kind of moment, and job start-up is left out.
     */
    private static double sustainedRate(List<long[]> samples, long events) {
        long[] first = samples.stream().filter(s -> s[1] > 0).findFirst().orElseThrow();
        long[] last = samples.get(samples.size() - 1);
        if (last[1] - first[1] < events / 2) {
            return Double.NaN; // the first commit already covered most of the input: the run is too short to tell
        }
        return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    }

    private ObjectNode latencyRun(int parallelism) throws Exception {
        GraphJobConfig cfg = config("bench-latency.", parallelism, latencyCheckpointInterval);
        JobClient job = GraphJobRunner.start(cfg, GraphJobRunner.localDefaults());
        Thread.sleep(5_000); // deployed and idle
        AtomicBoolean producing = new AtomicBoolean(true);
        long total = (long) latencyRate * latencySeconds;
        Thread producer = new Thread(
                () -> {
                    AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
                    InteractionEvent e = new InteractionEvent();
                    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap)) {
                        awaitLeaders(p, cfg.topics().interactions());
                        long start = System.nanoTime();
                        for (long k = 0; k < total; k++) {
                            long due = start + k * 1_000_000_000L / latencyRate;
                            long wait = due - System.nanoTime();
                            if (wait > 200_000) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            String user = "lat-u" + (k % 50_000);
                            e.setUserId(user);
                            e.setItemId("lat-i" + k);
                            e.setEventType("click");
                            e.setValue(null);
                            e.setEventTime(Instant.ofEpochMilli(System.currentTimeMillis()));
                            e.setProperties(null);
                            p.send(new ProducerRecord<>(
                                    cfg.topics().interactions(),
                                    user.getBytes(StandardCharsets.UTF_8),
                                    codec.encode(e)));
                        }
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    } finally {
                        producing.set(false);
                    }
                },
                "latency-producer");
        producer.start();
        long[] latencies = new long[(int) total];
        int seen = 0;
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
            List<TopicPartition> parts = KafkaClients.partitions(c, cfg.topics().graphEdges());
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(latencySeconds + 60L);
            while (seen < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    GraphChange g = codec.decode(r.value());
                    if (g.getKind() == GraphChangeKind.EDGE_ADDED && seen < latencies.length) {
                        latencies[seen++] = now - g.getEventTime().toEpochMilli();
                    }
                }
            }
        }
        producer.join();
        job.cancel().get();
        long[] sorted = Arrays.copyOf(latencies, seen);
        Arrays.sort(sorted);
        ObjectNode lat = new ObjectMapper().createObjectNode();
        lat.put("rate_events_per_second", latencyRate);
        lat.put("seconds", latencySeconds);
        lat.put("parallelism", parallelism);
        lat.put("checkpoint_interval_ms", latencyCheckpointInterval.toMillis());
        lat.put("events", total);
        lat.put("edges_observed", seen);
        lat.put("p50_ms", seen == 0 ? -1 : Percentiles.ofSorted(sorted, seen, 0.50));
        lat.put("p99_ms", seen == 0 ? -1 : Percentiles.ofSorted(sorted, seen, 0.99));
        lat.put("max_ms", seen == 0 ? -1 : sorted[seen - 1]);
        lat.put("measured", "event produced (event_time) -> edge visible to a read_committed consumer");
        LOG.info(
                "Latency at {} events/s: p50 {} ms, p99 {} ms over {} edges",
                latencyRate,
                lat.get("p50_ms"),
                lat.get("p99_ms"),
                seen);
        return lat;
    }

    /** {count of edge records, 1 if the changelog is exact (count = expected, seqs dense, no repeats)}. */
    private long[] verifyChangelog(String topic, long expected) {
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        BitSet seqs = new BitSet();
        long edges = 0;
        boolean repeats = false;
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap);
                Admin admin = KafkaClients.admin(bootstrap)) {
            List<TopicPartition> parts = KafkaClients.partitions(c, topic);
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (edges < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    GraphChange g = codec.decode(r.value());
                    if (g.getKind() != GraphChangeKind.CUT) {
                        edges++;
                        int s = (int) g.getSeq();
                        repeats |= seqs.get(s);
                        seqs.set(s);
                    }
                }
            }
            for (int k = 0; k < 10; k++) { // anything beyond the expected count would be a duplicate
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (codec.decode(r.value()).getKind() != GraphChangeKind.CUT) {
                        edges++;
                    }
                }
            }
        }
        boolean exact =
                !repeats && edges == expected && seqs.cardinality() == expected && seqs.nextClearBit(1) == expected + 1;
        return new long[] {edges, exact ? 1 : 0};
    }

    static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        long sum = 0;
        for (OffsetAndMetadata o : m.values()) {
            if (o != null) {
                sum += o.offset();
            }
        }
        return sum;
    }

    private void produce(String topic, List<byte[][]> records) throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap)) {
            awaitLeaders(p, topic);
            for (byte[][] kv : records) {
                p.send(new ProducerRecord<>(topic, kv[0], kv[1]));
            }
            p.flush();
        }
    }

    /** A just-created topic's partitions get their leader a moment later: wait, instead of retrying sends. */
    private static void awaitLeaders(KafkaProducer<byte[], byte[]> p, String topic) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            if (p.partitionsFor(topic).stream()
                    .allMatch(i -> i.leader() != null && !i.leader().isEmpty())) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Deletes a directory tree (nothing if absent): benchmarks start from an empty work directory. */
    static void deleteRecursively(Path p) throws Exception {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }
}
