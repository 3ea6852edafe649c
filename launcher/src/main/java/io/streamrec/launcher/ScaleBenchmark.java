package io.streamrec.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.flink.serving.ServingOptions;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import io.streamrec.serving.VectorMath;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-scale}: the closed loop (synthetic world, graph job with serving, model server with a
 * model served) at catalog sizes, one after another. For each size: wait until a model version is
 * live, then keep a backlog of the world's events queued ahead of the job (so it takes them as fast
 * as it can) and measure the sustained events/s (committed source offsets), then at half that rate the event → recommendation latency
 * (each recommendation's creation time minus its event's time), checkpoint size and duration (the
 * checkpoint coordinator's own figures), heap and RSS of the JVM that holds the TaskManager (and,
 * here, the broker and the world), ANN recall@10 and trigger → live from the metrics topic.
 */
@Command(
        name = "bench-scale",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Serving at catalog scale: events/s, event -> recommendation latency, checkpoints, memory and ANN recall of the "
                        + "closed loop for each ITEMSxUSERS size. Writes JSON.")
public final class ScaleBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ScaleBenchmark.class);
    private static final Pattern COMPLETED =
            Pattern.compile("Completed checkpoint \\d+ for job \\S+ \\((\\d+) bytes, checkpointDuration=(\\d+) ms");

    @Option(
            names = "--sizes",
            defaultValue = "5000x20000,50000x200000,500000x2000000",
            split = ",",
            paramLabel = "ITEMSxUSERS",
            description = "Catalog sizes and user counts, run one after another. Default: ${DEFAULT-VALUE}.")
    List<String> sizes;

    @Option(
            names = "--backlog",
            defaultValue = "80000",
            description =
                    "Events the world keeps queued ahead of the job in the throughput phase (the job is never idle). Default: ${DEFAULT-VALUE}.")
    long backlog;

    @Option(
            names = "--trigger-edges",
            defaultValue = "0",
            description =
                    "New edges per training trigger (0: as many as --warmup-events); a trigger also fires every 2 minutes. Default: ${DEFAULT-VALUE}.")
    long triggerEdges;

    @Option(
            names = "--warmup-rate",
            defaultValue = "20000",
            description = "Events/s of the warm-up. Default: ${DEFAULT-VALUE}.")
    double warmupRate;

    @Option(
            names = "--warmup-events",
            defaultValue = "200000",
            description = "Events before the first version is trained. Default: ${DEFAULT-VALUE}.")
    long warmupEvents;

    @Option(
            names = "--seconds",
            defaultValue = "60",
            description = "Length of the throughput phase. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(
            names = "--latency-seconds",
            defaultValue = "30",
            description = "Length of the latency phase (at half the sustained rate). Default: ${DEFAULT-VALUE}.")
    int latencySeconds;

    @Option(
            names = "--model-arg",
            paramLabel = "ARG",
            description = "Extra model-server argument (repeatable). The benchmark passes "
                    + "--no-text --initial-epochs 2 --http off first.")
    List<String> modelArgs = new ArrayList<>();

    @Mixin
    ServingOptions servingOptions = new ServingOptions();

    @Option(
            names = "--work",
            defaultValue = "bench/work/scale",
            description = "Scratch directory (emptied first). Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(
            names = "--out",
            defaultValue = "bench/results/scale.json",
            description = "Results file. Default: ${DEFAULT-VALUE}.")
    Path out;

    private final List<long[]> checkpoints = new CopyOnWriteArrayList<>(); // {wall ms, bytes, duration ms}

    @Override
    public Integer call() throws Exception {
        watchCheckpoints();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode result = json.createObjectNode();
        ArrayNode runs = result.putArray("sizes");
        for (String size : sizes) {
            String[] f = size.toLowerCase().split("x");
            if (f.length != 2) {
                throw new IllegalArgumentException("--sizes: expected ITEMSxUSERS, got '" + size + "'");
            }
            runs.add(run(json, Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim())));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(
                    out, json.writeValueAsString(result) + "\n"); // after each size: a long run keeps what it measured
        }
        ObjectNode setup = result.putObject("setup");
        setup.put("command", System.getProperty("streamrec.command", "streamrec bench-scale"));
        setup.put(
                "machine",
                Runtime.getRuntime().availableProcessors() + " cores, max heap "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
        setup.put(
                "what_was_on",
                "embedded Kafka broker, graph job (parallelism 2, RocksDB, checkpoints every 2 s) with serving (scoring, "
                        + "recommendations, rolling metrics), model server child JVM with a model served (--no-text), synthetic world; all on this machine");
        setup.put("dot_kernel", VectorMath.kernel());
        Files.writeString(out, json.writeValueAsString(result) + "\n");
        LOG.info("Results: {}", out);
        return 0;
    }

    private ObjectNode run(ObjectMapper json, int items, int users) throws Exception {
        Path dir = work.resolve(items + "x" + users);
        IngestBenchmark.deleteRecursively(dir);
        Topics topics = Topics.defaults();
        List<String> margs = new ArrayList<>(List.of("--no-text", "--initial-epochs", "2", "--http", "off"));
        margs.addAll(modelArgs);
        ServingConfig serving = servingOptions.config();
        LOG.info("Size {} items x {} users: starting the loop (warm-up of {} events)", items, users, warmupEvents);
        LocalLoop loop = LocalLoop.start(new LocalLoop.Settings(
                dir,
                0,
                topics,
                4,
                2,
                triggerEdges > 0 ? triggerEdges : warmupEvents,
                Duration.ofSeconds(120),
                Duration.ofSeconds(2),
                true,
                serving,
                null,
                margs,
                "6g",
                -1));
        ObjectNode r = json.createObjectNode();
        r.put("items", items);
        r.put("users", users);
        try (Admin admin = KafkaClients.admin(loop.bootstrap())) {
            var world = WorldState.open(dir.resolve("world.properties"), 7, users, items, 0, 0.002)
                    .world();
            WorldProducer warm = new WorldProducer(
                    world,
                    loop.bootstrap(),
                    topics.interactions(),
                    topics.items(),
                    warmupRate,
                    warmupEvents + 1000,
                    false);
            warm.run();
            LOG.info("Warm-up produced; waiting for the first version to be live");
            List<MetricPoint> points = new CopyOnWriteArrayList<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            long[] window = {Long.MAX_VALUE, Long.MAX_VALUE, 0}; // latency window start, end; 1 = stop reading
            Thread reader = new Thread(() -> read(loop.bootstrap(), topics, points, latencies, window), "scale-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
            while (points.stream().noneMatch(p -> p.getName().equals("version_live_seconds"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(1000);
            }
            if (points.stream().noneMatch(p -> p.getName().equals("version_live_seconds"))) {
                throw new IllegalStateException("no model version went live within 30 minutes at " + items + " items");
            }
            // throughput: the world keeps a backlog of about --backlog events ahead of the job, so the job is never
            // idle
            // and the generator's cost follows what the job takes rather than the offered rate
            long c0 = IngestBenchmark.committed(admin, loop.config.groupId());
            long sent = endOffsets(loop.bootstrap(), topics.interactions());
            long t0 = System.nanoTime();
            long ckFrom = System.currentTimeMillis();
            List<long[]> samples = new ArrayList<>();
            long nextSample = System.nanoTime() + 1_000_000_000L;
            long end = t0 + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long done = IngestBenchmark.committed(admin, loop.config.groupId());
                if (System.nanoTime() >= nextSample) {
                    samples.add(new long[] {System.nanoTime(), done});
                    nextSample += 1_000_000_000L;
                }
                if (sent - done < backlog) {
                    new WorldProducer(
                                    world,
                                    loop.bootstrap(),
                                    topics.interactions(),
                                    topics.items(),
                                    0,
                                    backlog / 4,
                                    false)
                            .run();
                    sent += backlog / 4;
                } else {
                    Thread.sleep(50);
                }
            }
            long[] first = samples.stream().filter(x -> x[1] > c0).findFirst().orElse(samples.get(0));
            long[] last = samples.get(samples.size() - 1);
            double rate = (last[1] - first[1]) / Math.max(1e-9, (last[0] - first[0]) / 1e9);
            LOG.info(
                    "Size {} items: {} events/s sustained ({} events in {} s, backlog kept under {})",
                    items,
                    Math.round(rate),
                    last[1] - c0,
                    (System.nanoTime() - t0) / 1_000_000_000L,
                    backlog);
            // drain the backlog, then latency at half the sustained rate
            long produced = IngestBenchmark.committed(admin, loop.config.groupId());
            long drainEnd = System.currentTimeMillis() + 300_000;
            long endOffset = endOffsets(loop.bootstrap(), topics.interactions());
            while (IngestBenchmark.committed(admin, loop.config.groupId()) < endOffset
                    && System.currentTimeMillis() < drainEnd) {
                Thread.sleep(500);
            }
            window[0] = System.currentTimeMillis() + 2000;
            WorldProducer steady = new WorldProducer(
                    world, loop.bootstrap(), topics.interactions(), topics.items(), Math.max(100, rate / 2), 0, false);
            Thread ts = new Thread(steady, "scale-steady");
            ts.setDaemon(true);
            ts.start();
            Thread.sleep(latencySeconds * 1000L);
            window[1] = System.currentTimeMillis();
            steady.stop();
            ts.join(10_000);
            Thread.sleep(2000);
            List<Long> lat;
            synchronized (latencies) {
                lat = new ArrayList<>(latencies);
            }
            Collections.sort(lat);
            List<long[]> ck = checkpoints.stream().filter(c -> c[0] >= ckFrom).toList();
            List<Long> ckMs = ck.stream().map(c -> c[2]).sorted().toList();
            List<Double> live = points.stream()
                    .filter(p -> p.getName().equals("version_live_seconds"))
                    .map(MetricPoint::getValue)
                    .sorted()
                    .toList();
            List<MetricPoint> recall = points.stream()
                    .filter(p -> p.getName().startsWith("ann_recall@"))
                    .toList();
            double recallMean = recall.stream()
                            .mapToDouble(p -> p.getValue() * p.getSamples())
                            .sum()
                    / Math.max(
                            1,
                            recall.stream().mapToLong(MetricPoint::getSamples).sum());
            long rss = rssBytes();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            r.put("events_per_second", Math.round(rate));
            r.put("backlog_events", backlog);
            r.put("latency_rate_events_per_second", Math.round(Math.max(100, rate / 2)));
            r.put("rec_latency_ms_p50", FreshnessBenchmark.pct(lat, 0.50));
            r.put("rec_latency_ms_p99", FreshnessBenchmark.pct(lat, 0.99));
            r.put("rec_latency_samples", lat.size());
            r.put("checkpoint_bytes", ck.isEmpty() ? -1 : ck.get(ck.size() - 1)[1]);
            r.put("checkpoint_ms", ckMs.isEmpty() ? -1 : FreshnessBenchmark.pct(ckMs, 0.5));
            r.put("checkpoint_ms_max", ckMs.isEmpty() ? -1 : ckMs.get(ckMs.size() - 1));
            r.put("ann_recall_at_10", recall.isEmpty() ? null : Math.round(recallMean * 10000) / 10000.0);
            r.put(
                    "ann_recall_samples",
                    recall.stream().mapToLong(MetricPoint::getSamples).sum());
            r.put("trigger_to_live_s_p99", live.isEmpty() ? -1 : FreshnessBenchmark.pct(live, 0.99));
            r.put("versions_live", live.size());
            points.stream()
                    .filter(p -> p.getName().equals("version_live_seconds"))
                    .reduce((a, b) -> b)
                    .ifPresent(p -> r.put("served_items", p.getSamples()));
            r.put("jvm_heap_used_bytes", heap);
            r.put("jvm_rss_bytes", rss);
            r.put("events_before_measuring", produced);
            ArrayNode versions = versions(json, loop.bootstrap(), topics);
            for (var v : versions) { // each version's own trigger -> live, as serving reported it
                long number = v.get("version").asLong();
                points.stream()
                        .filter(p -> p.getName().equals("version_live_seconds") && p.getModelVersion() == number)
                        .findFirst()
                        .ifPresent(p ->
                                ((ObjectNode) v).put("trigger_to_live_s", Math.round(p.getValue() * 10) / 10.0));
            }
            r.set("versions", versions);
            LOG.info("Size {} items x {} users: {}", items, users, r);
            window[2] = 1;
            reader.join(5_000);
        } finally {
            loop.close();
        }
        return r;
    }

    /** Each published version as its COMMIT describes it: full or delta, what it carried against what it holds, training figures. */
    private static ArrayNode versions(ObjectMapper json, String bootstrap, Topics topics) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        ArrayNode out = json.createArrayNode();
        List<EmbeddingRecord> commits = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
            for (ConsumerRecord<byte[], byte[]> rec :
                    KafkaClients.readToEnd(c, topics.embeddings(), Duration.ofSeconds(120))) {
                if (rec.value() != null && "commit".equals(new String(rec.key(), StandardCharsets.UTF_8))) {
                    commits.add(codec.decode(rec.value()));
                }
            }
        }
        for (EmbeddingRecord c : commits) {
            ObjectNode v = out.addObject();
            v.put("version", c.getModelVersion());
            v.put("base_version", c.getBaseVersion());
            v.put("user_records", c.getUsers());
            v.put("item_records", c.getItems());
            for (String k : List.of(
                    "version_users",
                    "version_items",
                    "published_bytes",
                    "new_edges",
                    "steps",
                    "steps_wanted",
                    "loss",
                    "loss_new",
                    "loss_replay",
                    "subgraph_steps",
                    "prepare_seconds",
                    "steps_seconds",
                    "seconds")) {
                Double x = c.getMetrics().get(k);
                if (x != null) {
                    v.put(k, Math.round(x * 10000) / 10000.0);
                }
            }
        }
        return out;
    }

    private static long endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
            List<TopicPartition> parts = KafkaClients.partitions(c, topic);
            return c.endOffsets(parts).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Metric points, and for recommendations made in the latency window: created − event time. */
    private static void read(
            String bootstrap, Topics topics, List<MetricPoint> points, List<Long> latencies, long[] window) {
        AvroCodec<MetricPoint> mc = AvroCodec.of(MetricPoint.class);
        AvroCodec<Recommendation> rc = AvroCodec.of(Recommendation.class);
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
            List<TopicPartition> parts = new ArrayList<>(KafkaClients.partitions(c, topics.metrics()));
            parts.addAll(KafkaClients.partitions(c, topics.recommendations()));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (window[2] == 0) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    if (rec.topic().equals(topics.metrics())) {
                        points.add(mc.decode(rec.value()));
                    } else {
                        Recommendation r = rc.decode(rec.value());
                        long created = r.getCreatedTime().toEpochMilli();
                        if (created >= window[0] && created <= window[1]) {
                            latencies.add(created - r.getEventTime().toEpochMilli());
                        }
                    }
                }
            }
        } catch (InterruptException e) {
            // stopped
        }
    }

    private void watchCheckpoints() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        AbstractAppender a = new AbstractAppender("scale-checkpoints", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                Matcher m = COMPLETED.matcher(e.getMessage().getFormattedMessage());
                if (m.find()) {
                    checkpoints.add(new long[] {
                        System.currentTimeMillis(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))
                    });
                }
            }
        };
        a.start();
        var config = ctx.getConfiguration();
        config.addAppender(a);
        // the coordinator logs each completed checkpoint at INFO (the launcher's console shows WARN): to this appender
        // only
        String name = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator";
        LoggerConfig lc = new LoggerConfig(name, Level.INFO, false);
        lc.addAppender(a, Level.INFO, null);
        config.removeLogger(name);
        config.addLogger(name, lc);
        ctx.updateLoggers();
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
