package io.streamrec.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.common.Defaults;
import io.streamrec.common.Durations;
import io.streamrec.common.Percentiles;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.kafka.world.SyntheticWorld;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.InteractionEvent;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import io.streamrec.schemas.avro.ScoredItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Freshness of the closed loop on this machine, with the synthetic world running in the
 * background: (1) event produced → the recommendation for that user that reflects it (the item
 * excluded) read by a consumer; (2) training trigger made → the version it caused served by the
 * graph job (measured by the job when it applies the version: {@code version_live_seconds}).
 */
@Command(
        name = "bench-freshness",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures freshness of the whole loop (broker, graph job, model server, synthetic world at a steady "
                    + "rate): event -> recommendation reflecting it, and trigger -> new version live in serving; p50/p99. Writes JSON."
        })
public final class FreshnessBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(FreshnessBenchmark.class);

    @Option(
            names = "--seconds",
            defaultValue = "180",
            description = "Length of the measured run. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(
            names = "--rate",
            defaultValue = "500",
            description = "Background interactions/s of the synthetic world. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--probe-rate",
            defaultValue = "20",
            description = "Probe events/s whose recommendations are timed. Default: ${DEFAULT-VALUE}.")
    double probeRate;

    @Option(
            names = "--trigger-interval",
            defaultValue = "15s",
            converter = Durations.class,
            description = "Training trigger interval of the graph job. Default: ${DEFAULT-VALUE}.")
    Duration triggerInterval;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = Defaults.CHECKPOINT_INTERVAL,
            converter = Durations.class,
            description = "Checkpoint interval. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--work",
            defaultValue = "bench/work/freshness",
            description = "Scratch directory (emptied first). Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(
            names = "--out",
            defaultValue = "bench/results/freshness.json",
            description = "Results file. Default: ${DEFAULT-VALUE}.")
    Path out;

    /** One probe in flight. */
    record Probe(String item, long sentNanos) {}

    @Override
    public Integer call() throws Exception {
        IngestBenchmark.deleteRecursively(work);
        Topics topics = Topics.defaults();
        LocalLoop loop = LocalLoop.start(new LocalLoop.Settings(
                work,
                0,
                topics,
                4,
                2,
                1_000_000_000L,
                triggerInterval,
                checkpointInterval,
                true,
                ServingConfig.defaults(),
                new LocalLoop.WorldSettings(rate, 7, 5000, 800, 250, 0.002, false),
                List.of("--http", "off"),
                "3g",
                -1));
        try {
            String bootstrap = loop.bootstrap();
            LOG.info("Waiting for the first model version to be served...");
            KafkaClients.readAll(
                    bootstrap,
                    topics.metrics(),
                    r -> r.stream()
                            .anyMatch(x -> AvroCodec.of(MetricPoint.class)
                                    .decode(x.value())
                                    .getName()
                                    .equals("version_live_seconds")),
                    Duration.ofMinutes(5),
                    Duration.ofMillis(500));
            long runStart = System.currentTimeMillis();
            Map<String, Probe> inFlight = new ConcurrentHashMap<>();
            List<Long> latenciesMicros = new ArrayList<>();
            int[] notExcluded = {0};
            Thread reader = new Thread(
                    () -> readRecommendations(bootstrap, topics, inFlight, latenciesMicros, notExcluded),
                    "freshness-reader");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(1000); // the reader is at the topic's end
            List<SyntheticWorld.Item> catalog = loop.world.world().catalog();
            SplittableRandom rnd = new SplittableRandom(3);
            Map<String, Set<String>> used = new ConcurrentHashMap<>();
            AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
            long sent = 0;
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
                long start = System.nanoTime();
                long end = start + seconds * 1_000_000_000L;
                for (long k = 0; System.nanoTime() < end; k++) {
                    long wait = start + (long) (k * 1e9 / probeRate) - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    String user = "probe-" + rnd.nextInt(200);
                    Set<String> mine = used.computeIfAbsent(user, u -> new HashSet<>());
                    String item;
                    do {
                        item = catalog.get(rnd.nextInt(catalog.size())).id();
                    } while (!mine.add(item));
                    long now = System.currentTimeMillis();
                    inFlight.put(user + "@" + now, new Probe(item, System.nanoTime()));
                    producer.send(new ProducerRecord<>(
                            topics.interactions(),
                            user.getBytes(StandardCharsets.UTF_8),
                            codec.encode(
                                    new InteractionEvent(user, item, "click", null, Instant.ofEpochMilli(now), null))));
                    producer.flush(); // a probe is timed from the moment the broker has it
                    sent++;
                    if (k % (long) (probeRate * 30) == 0 && k > 0) {
                        LOG.info("{} probes sent, {} recommendations timed", sent, size(latenciesMicros));
                    }
                }
            }
            Thread.sleep(5000);
            reader.interrupt();
            reader.join(10_000);
            long runEnd = System.currentTimeMillis();

            List<Double> live = new ArrayList<>();
            AvroCodec<MetricPoint> points = AvroCodec.of(MetricPoint.class);
            for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readAll(
                    bootstrap, topics.metrics(), x -> false, Duration.ofSeconds(20), Duration.ofSeconds(2))) {
                MetricPoint p = points.decode(r.value());
                if (p.getName().equals("version_live_seconds") && p.getTime().toEpochMilli() >= runStart) {
                    live.add(p.getValue());
                }
            }
            ObjectNode result = new ObjectMapper().createObjectNode();
            result.put("command", System.getProperty("streamrec.command", "streamrec bench-freshness"));
            result.put("date", Instant.now().toString());
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            result.put("seconds", (runEnd - runStart) / 1000);
            result.put("background_rate", rate);
            result.put("probe_rate", probeRate);
            result.put("trigger_interval", triggerInterval.toString());
            result.put("checkpoint_interval", checkpointInterval.toString());
            ObjectNode ev = result.putObject("event_to_recommendation_ms");
            List<Long> lat;
            synchronized (latenciesMicros) {
                lat = new ArrayList<>(latenciesMicros);
            }
            lat.sort(null);
            ev.put("probes", sent);
            ev.put("timed", lat.size());
            ev.put("p50", pct(lat, 0.50) / 1000.0);
            ev.put("p90", pct(lat, 0.90) / 1000.0);
            ev.put("p99", pct(lat, 0.99) / 1000.0);
            ev.put("max", lat.isEmpty() ? 0 : lat.get(lat.size() - 1) / 1000.0);
            ev.put("item_still_recommended", notExcluded[0]);
            ev.put("goal_p99_ms", 1000);
            ObjectNode tl = result.putObject("trigger_to_version_live_s");
            live.sort(Comparator.naturalOrder());
            tl.put("versions", live.size());
            tl.put("p50", pct(live, 0.50));
            tl.put("p99", pct(live, 0.99));
            tl.put("max", live.isEmpty() ? 0 : live.get(live.size() - 1));
            tl.put("goal_p99_s", 30);
            Files.createDirectories(out.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            System.out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(result));
            return 0;
        } finally {
            loop.close();
        }
    }

    private static int size(List<Long> l) {
        synchronized (l) {
            return l.size();
        }
    }

    private static void readRecommendations(
            String bootstrap, Topics topics, Map<String, Probe> inFlight, List<Long> lat, int[] notExcluded) {
        AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
            List<TopicPartition> parts = KafkaClients.partitions(c, topics.recommendations());
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Recommendation rec = codec.decode(r.value());
                    if (!rec.getUserId().startsWith("probe-")) {
                        continue;
                    }
                    Probe p = inFlight.remove(
                            rec.getUserId() + "@" + rec.getEventTime().toEpochMilli());
                    if (p == null) {
                        continue;
                    }
                    if (rec.getItems().stream().map(ScoredItem::getItemId).anyMatch(p.item()::equals)) {
                        notExcluded[0]++;
                    }
                    synchronized (lat) {
                        lat.add((now - p.sentNanos()) / 1000);
                    }
                }
            }
        } catch (InterruptException e) {
            // stopped
        }
    }

    /** The q-quantile of a sorted list (Percentiles' nearest rank), 0 when empty. */
    static double pct(List<? extends Number> sorted, double q) {
        return sorted.isEmpty() ? 0 : Percentiles.ofSorted(sorted, q);
    }
}
