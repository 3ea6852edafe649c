package io.streamrec.launcher;

import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import io.streamrec.schemas.avro.ScoredItem;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints a streamrec output topic in readable form, one line per record. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints recommendations, metrics, model versions or dead letters as they arrive, one readable line "
                    + "each (read_committed). Ctrl-C stops."
        })
public final class TailCommand implements Callable<Integer> {
    /** What can be tailed. */
    enum What {
        recommendations,
        metrics,
        versions,
        dlq
    }

    @Parameters(index = "0", description = "What to print: ${COMPLETION-CANDIDATES}.")
    What what;

    @CommandLine.Mixin
    KafkaTarget kafka = new KafkaTarget();

    @Option(names = "--from-beginning", description = "Start at the topic's beginning instead of its end.")
    boolean fromBeginning;

    @Option(
            names = "--max",
            defaultValue = "0",
            description = "Stop after this many records (0: never). Default: ${DEFAULT-VALUE}.")
    long max;

    @Option(names = "--user", description = "recommendations: only this user's.")
    String user;

    @Override
    public Integer call() {
        Topics topics = kafka.topics();
        String topic = switch (what) {
            case recommendations -> topics.recommendations();
            case metrics -> topics.metrics();
            case versions -> topics.embeddings();
            case dlq -> topics.deadLetters();
        };
        Function<ConsumerRecord<byte[], byte[]>, String> format = formatter();
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(kafka.bootstrap, kafka.properties)) {
            List<TopicPartition> parts = KafkaClients.partitions(c, topic);
            c.assign(parts);
            if (fromBeginning) {
                c.seekToBeginning(parts);
            } else {
                c.seekToEnd(parts);
            }
            System.err.println(
                    "tail " + topic + " on " + kafka.bootstrap + (fromBeginning ? " from the beginning" : " from now"));
            while (max == 0 || printed < max) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue; // a tombstone (a withdrawn item's vector on the embeddings topic)
                    }
                    String line;
                    try {
                        line = format.apply(r);
                    } catch (RuntimeException e) {
                        line = "(undecodable record at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": "
                                + e.getMessage() + ")";
                    }
                    if (line != null) {
                        System.out.println(line);
                        if (max > 0 && ++printed >= max) {
                            break;
                        }
                    }
                }
            }
        }
        return 0;
    }

    private Function<ConsumerRecord<byte[], byte[]>, String> formatter() {
        switch (what) {
            case recommendations: {
                AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);
                return r -> {
                    Recommendation x = codec.decode(r.value());
                    if (user != null && !user.equals(x.getUserId())) {
                        return null;
                    }
                    return String.format(
                            Locale.ROOT,
                            "%s  %s  v%d  %d ms after its event  %s",
                            x.getCreatedTime(),
                            x.getUserId(),
                            x.getModelVersion(),
                            x.getCreatedTime().toEpochMilli() - x.getEventTime().toEpochMilli(),
                            x.getItems().stream().map(ScoredItem::getItemId).collect(Collectors.joining(" ")));
                };
            }
            case metrics: {
                AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
                return r -> {
                    MetricPoint p = codec.decode(r.value());
                    String by = p.getScorer().equals("model") ? "" : "  " + p.getScorer();
                    String against = p.getLabels().containsKey("against")
                            ? String.format(
                                    Locale.ROOT,
                                    "  vs %s, 95%% [%s, %s]",
                                    p.getLabels().get("against"),
                                    p.getLabels().get("ci95_low"),
                                    p.getLabels().get("ci95_high"))
                            : "";
                    return String.format(
                            Locale.ROOT,
                            "%s  v%-4d %-22s %-14s %.4f  (n=%d)%s%s",
                            p.getTime(),
                            p.getModelVersion(),
                            p.getName(),
                            p.getWindow(),
                            p.getValue(),
                            p.getSamples(),
                            by,
                            against);
                };
            }
            case versions: {
                AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
                return r -> {
                    EmbeddingRecord e = codec.decode(r.value());
                    if (!EmbeddingRecords.isCommit(e)) {
                        return null;
                    }
                    return String.format(
                            Locale.ROOT,
                            "%s  version %d (%s) through seq %d (trigger %d): %d users, %d items%s  %s",
                            e.getCreatedTime(),
                            e.getModelVersion(),
                            e.getBaseVersion() == 0 ? "full" : "delta on " + e.getBaseVersion(),
                            e.getThroughSeq(),
                            e.getTriggerId(),
                            e.getUsers(),
                            e.getItems(),
                            e.getRemovedItems().isEmpty()
                                    ? ""
                                    : ", " + e.getRemovedItems().size() + " withdrawn",
                            e.getMetrics());
                };
            }
            default: {
                AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
                return r -> {
                    DeadLetter d = codec.decode(r.value());
                    return String.format(
                            Locale.ROOT,
                            "%s  %s  %s  (from %s-%d@%d)",
                            d.getTime(),
                            d.getReasonCode(),
                            d.getReason(),
                            d.getSourceTopic(),
                            d.getSourcePartition(),
                            d.getSourceOffset());
                };
            }
        }
    }
}
