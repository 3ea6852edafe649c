package io.streamrec.launcher;

import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.avro.InteractionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Replays a dataset file into the interactions topic, in time order, at a chosen rate. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replays a real dataset into <prefix>interactions (Avro), in time order, at a chosen rate: "
                    + "MovieLens u.data (user, item, rating, unix time; tab-separated; sorted by time, ties in file order) "
                    + "or an adjacency-list file (each line: user item item ...; file order, event time = now)."
        })
public final class ReplayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

    /** Input formats. */
    enum Format {
        auto,
        ml100k,
        adjacency
    }

    @Option(names = "--file", required = true, description = "The dataset file.")
    Path file;

    @Option(
            names = "--format",
            defaultValue = "auto",
            description =
                    "${COMPLETION-CANDIDATES} (auto: 4 tab-separated columns are ml100k, else adjacency). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(
            names = "--rate",
            defaultValue = "1000",
            description = "Events per second (0: as fast as the broker takes them). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--skip",
            defaultValue = "0",
            description = "Start after this many events (a replay in parts). Default: ${DEFAULT-VALUE}.")
    long skip;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "Stop after this many events (0: all). Default: ${DEFAULT-VALUE}.")
    long limit;

    @CommandLine.Mixin
    KafkaTarget kafka = new KafkaTarget();

    /** One event of a replay. */
    record Event(String user, String item, double rating, long timeMs) {}

    @Override
    public Integer call() throws Exception {
        if (rate < 0 || skip < 0 || limit < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rate, --skip and --limit must be >= 0");
        }
        List<Event> events = read(file, format);
        String topic = kafka.topics().interactions();
        LOG.info(
                "Replaying {} events from {} into {} at {}",
                events.size(),
                file,
                topic,
                rate > 0 ? rate + "/s" : "full speed");
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        long from = Math.min(skip, events.size());
        long n = limit > 0 ? Math.min(limit, events.size() - from) : events.size() - from;
        long start = System.nanoTime();
        long lastLog = start;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrap, kafka.properties)) {
            for (int k = 0; k < n; k++) {
                if (rate > 0) {
                    long wait = start + (long) (k * 1e9 / rate) - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
                Event e = events.get((int) (from + k));
                long time = e.timeMs() < 0 ? System.currentTimeMillis() : e.timeMs();
                InteractionEvent ev = new InteractionEvent(
                        e.user(),
                        e.item(),
                        Double.isNaN(e.rating()) ? "view" : "rate",
                        Double.isNaN(e.rating()) ? null : e.rating(),
                        Instant.ofEpochMilli(time),
                        null);
                producer.send(new ProducerRecord<>(topic, e.user().getBytes(StandardCharsets.UTF_8), codec.encode(ev)));
                if (System.nanoTime() - lastLog > 10e9) {
                    lastLog = System.nanoTime();
                    LOG.info("Replayed {} of {} events ({}%)", k + 1, n, (k + 1) * 100 / n);
                }
            }
            producer.flush();
        }
        LOG.info("Replayed {} events in {} s", n, String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return 0;
    }

    /** Reads a dataset file; errors name the file and line. */
    static List<Event> read(Path file, Format format) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        List<Event> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            Format f = format;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                if (f == Format.auto) {
                    f = line.split("\t").length == 4 ? Format.ml100k : Format.adjacency;
                }
                String[] t = f == Format.ml100k ? line.split("\t") : line.trim().split("\\s+");
                if (f == Format.ml100k) {
                    if (t.length != 4) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": expected 4 tab-separated columns "
                                + "(user, item, rating, unix time), got " + t.length);
                    }
                    try {
                        out.add(new Event(t[0], t[1], Double.parseDouble(t[2]), Long.parseLong(t[3]) * 1000));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                file + ":" + lineNo + ": rating and time must be numbers: " + line);
                    }
                } else {
                    for (int i = 1; i < t.length; i++) {
                        out.add(new Event(t[0], t[i], Double.NaN, -1));
                    }
                }
            }
            if (f == Format.ml100k) {
                out.sort(Comparator.comparingLong(Event::timeMs)); // stable: ties keep file order
            }
        }
        return out;
    }
}
