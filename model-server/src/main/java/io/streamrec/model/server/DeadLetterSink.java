package io.streamrec.model.server;

import io.streamrec.common.KafkaProperties;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.MalformedRecordException;
import io.streamrec.schemas.ReasonCode;
import io.streamrec.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server's dead letters: input records it rejects (catalog records on the items topic) go to
 * the dead-letter topic with a reason code, their exact bytes and where they were, as the graph job's do.
 * The items topic is read from the beginning at every start, so a record before {@code sentBefore} (the
 * items position saved with the last snapshot) was dead-lettered by an earlier run: it is counted and
 * logged, not sent again. Records between that snapshot and a crash may be sent twice (at least once);
 * source topic, partition and offset identify a repeat. The producer is made at the first dead letter.
 */
final class DeadLetterSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);
    /** Rejections logged one by one; after that, one summary line a minute. */
    private static final int LOGGED_ONE_BY_ONE = 20;

    private final Properties producerProperties;
    private final Properties adminProperties;
    private final String topic;
    private final Map<TopicPartition, Long> sentBefore = new HashMap<>();
    private final AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
    private final Map<ReasonCode, Long> byReason = new EnumMap<>(ReasonCode.class);
    private KafkaProducer<byte[], byte[]> producer;
    private long total;
    private long summarized;
    private long lastSummaryMs;

    DeadLetterSink(String bootstrap, Map<String, String> kafkaProperties, String topic) {
        adminProperties = KafkaProperties.admin(bootstrap, kafkaProperties);
        // max.block.ms: a broker that is away never holds the model server's loop long
        producerProperties = KafkaProperties.producer(bootstrap, Map.of("max.block.ms", "10000"));
        producerProperties.putAll(kafkaProperties);
        this.topic = topic;
    }

    /** Records before these offsets were dead-lettered by an earlier run. */
    void sentBefore(Map<TopicPartition, Long> positions) {
        sentBefore.putAll(positions);
    }

    long total() {
        return total;
    }

    /** Counts by reason so far (for /metrics). */
    synchronized Map<ReasonCode, Long> byReason() {
        return Map.copyOf(byReason);
    }

    void reject(ConsumerRecord<byte[], byte[]> r, MalformedRecordException e) {
        total++;
        synchronized (this) {
            byReason.merge(e.code(), 1L, Long::sum);
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        boolean repeat = r.offset() < sentBefore.getOrDefault(tp, 0L);
        if (!repeat) {
            if (producer == null) {
                ensureTopic();
                producer = new KafkaProducer<>(producerProperties);
            }
            DeadLetter d = DeadLetter.newBuilder()
                    .setReasonCode(e.code().name())
                    .setReason(e.getMessage())
                    .setSourceTopic(r.topic())
                    .setSourcePartition(r.partition())
                    .setSourceOffset(r.offset())
                    .setOriginalKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
                    .setOriginalValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
                    .setTime(Instant.now())
                    .build();
            producer.send(new ProducerRecord<>(topic, null, r.key(), codec.encode(d)), (m, ex) -> {
                if (ex != null) {
                    LOG.error(
                            "Could not write a dead letter for {}-{}@{} to {}: {}",
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            topic,
                            ex.toString());
                }
            });
        }
        if (total <= LOGGED_ONE_BY_ONE) {
            LOG.warn(
                    "Rejected {}-{}@{} ({}{}): {}{}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.code(),
                    repeat ? ", dead-lettered by an earlier run" : ", dead-lettered to " + topic,
                    e.getMessage(),
                    total == LOGGED_ONE_BY_ONE ? " (further rejections are summarized once a minute)" : "");
            summarized = total;
        } else {
            long now = System.currentTimeMillis();
            if (now - lastSummaryMs >= 60_000) {
                LOG.warn(
                        "{} more input records rejected ({} in all, by reason {}), dead-lettered to {}",
                        total - summarized,
                        total,
                        byReason(),
                        topic);
                summarized = total;
                lastSummaryMs = now;
            }
        }
    }

    /** The graph job provisions the topic in a pipeline; a model server on its own makes it with the broker's defaults. */
    private void ensureTopic() {
        try (Admin admin = Admin.create(adminProperties)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                                .configs(Map.of("max.message.bytes", String.valueOf(4 * 1024 * 1024)))))
                        .all()
                        .get();
                LOG.info("Created topic {} for dead letters", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn(
                        "Could not make the dead-letter topic {}: {}",
                        topic,
                        e.getCause().toString());
            }
        }
    }

    /** Waits until the dead letters sent so far are written. */
    void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
