package io.streamrec.model.server;

import io.streamrec.common.KafkaProperties;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.IdRules;
import io.streamrec.schemas.ItemEventValidator;
import io.streamrec.schemas.MalformedRecordException;
import io.streamrec.schemas.ReasonCode;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.ItemEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server as a service: reads the edge changelog ({@code graph.edges}) and the items
 * topic, keeps an {@link IncrementalModel}, and at every consistent cut of the changelog (a
 * {@code CUT} marker with the same trigger id read on every partition) fine-tunes and publishes a
 * version to {@code embeddings}, then snapshots its state to disk.
 *
 * <p>Cuts ({@link CutAlignment}): a partition is paused at its CUT marker until every partition has reached the same
 * trigger's marker, so a version has seen exactly the edges with seq ≤ the cut. When the
 * changelog backlog past the cut is larger than {@code maxBacklog} records (catching up after a
 * restart or a slow version), the cut is passed without training and the next one is used:
 * versions coalesce rather than queue.
 *
 * <p>Publishing: each version is one Kafka transaction on the single-partition embeddings topic:
 * packed user and item vectors, then a COMMIT record (EmbeddingRecord.avsc, docs/SCHEMAS.md). A
 * full version carries every user and live item; a delta (most versions) only what moved beyond
 * the tolerance since it was last published, new entities and withdrawals ({@link
 * PublishedVectors}); a full one comes every {@code fullEvery} versions, first after a start, and
 * on {@link #requestFullVersion}. The snapshot is
 * written after the transaction commits and records the changelog position after the cut; on
 * restart the server loads it, continues the changelog from there, and numbers versions after
 * the last COMMIT it finds on the topic, so versions only grow.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

    /** Service settings. */
    public record Settings(
            String bootstrap,
            Topics topics,
            Path stateDir,
            long maxBacklog,
            String transactionalId,
            int fullEvery,
            double deltaTolerance,
            Map<String, String> kafkaProperties) {
        public Settings {
            if (fullEvery < 1 || !(deltaTolerance >= 0)) {
                throw new IllegalArgumentException(
                        "a full version every >= 1 versions and a delta tolerance >= 0 expected, got " + fullEvery
                                + " and " + deltaTolerance);
            }
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        /** Delta versions (tolerance 1%, a full one every 10), no extra Kafka properties. */
        public Settings(String bootstrap, Topics topics, Path stateDir, long maxBacklog, String transactionalId) {
            this(bootstrap, topics, stateDir, maxBacklog, transactionalId, 10, 0.01, Map.of());
        }
    }

    /** Turns item text into one vector (MiniLM in production); null disables text. */
    public interface TextVectors extends AutoCloseable {
        float[][] encode(List<String> texts);

        @Override
        default void close() {}
    }

    private final Settings settings;
    private final TextVectors text;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AvroCodec<GraphChange> changes = AvroCodec.of(GraphChange.class);
    private final AvroCodec<ItemEvent> itemCodec = AvroCodec.of(ItemEvent.class);
    private final AvroCodec<EmbeddingRecord> embeddingCodec = AvroCodec.of(EmbeddingRecord.class);
    private final ItemEventValidator itemRules = ItemEventValidator.defaults();
    /** Rejected catalog records go to the dead-letter topic (made in {@link #run}). */
    private DeadLetterSink deadLetters;

    private final ServerMetrics metrics = new ServerMetrics();
    private final SnapshotStore snapshots;
    private IncrementalModel model;
    /** Items whose latest catalog record says deleted: left out of every published version. */
    private final Set<String> withdrawn = new HashSet<>();

    private long publishedVersion;
    private PublishedVectors published;
    private final AtomicBoolean fullRequested = new AtomicBoolean();
    /** The background encoder of item texts (null without text). */
    private BackgroundText textQueue;
    /** Content arrived (encoded texts) since the last version: a cut then publishes even without new edges. */
    private boolean contentChanged;

    public ModelServer(Settings settings, IncrementalModel.Settings modelSettings, TextVectors text) {
        this.settings = settings;
        this.text = text;
        this.snapshots = new SnapshotStore(settings.stateDir(), modelSettings, metrics);
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    private GraphFusionConfig graphFusion;

    /** Serves MM-GEF or RedND instead of LightGCN (null: LightGCN); call before {@code run}. */
    public void useGraphFusion(GraphFusionConfig gf) {
        this.graphFusion = gf;
    }

    /** Makes the next version a full one (every entity published), e.g. to compact readers' history. */
    public void requestFullVersion() {
        fullRequested.set(true);
        LOG.info("A full version was requested: the next version publishes every user and item");
    }

    /** Asks {@link #run} to return after the current step. */
    public void stop() {
        running.set(false);
    }

    /** Runs until {@link #stop}. */
    public void run() throws IOException {
        Topics topics = settings.topics();
        ensureEmbeddingsTopic();
        SnapshotStore.Restored restored = snapshots.restore(graphFusion);
        model = restored.model();
        Map<TopicPartition, Long> start = restored.positions();
        boolean damaged = restored.damaged();
        publishedVersion = lastPublishedVersion();
        if (model.version() == 0 && publishedVersion > 0 && !damaged) {
            LOG.warn(
                    "No snapshot in {}, but the embeddings topic holds versions up to {}: rebuilding the model from the changelog's "
                            + "beginning (the next version is {}, full)",
                    settings.stateDir(),
                    publishedVersion,
                    publishedVersion + 1);
        }
        metrics.version.set(Math.max(model.version(), publishedVersion));
        try (KafkaConsumer<byte[], byte[]> edges = consumer();
                KafkaConsumer<byte[], byte[]> items = consumer();
                KafkaProducer<byte[], byte[]> producer = transactionalProducer();
                DeadLetterSink dlq =
                        new DeadLetterSink(settings.bootstrap(), settings.kafkaProperties(), topics.deadLetters())) {
            deadLetters = dlq;
            producer.initTransactions();
            List<TopicPartition> parts = partitions(edges, topics.graphEdges());
            edges.assign(parts);
            for (TopicPartition tp : parts) {
                if (start.containsKey(tp)) {
                    edges.seek(tp, start.get(tp));
                } else {
                    edges.seekToBeginning(List.of(tp));
                }
            }
            List<TopicPartition> itemParts = partitions(items, topics.items());
            items.assign(itemParts);
            items.seekToBeginning(itemParts); // compacted: the latest record per item
            Map<TopicPartition, Long> itemsEnd = items.endOffsets(itemParts);
            for (TopicPartition tp :
                    itemParts) { // records before the snapshot's items position were dead-lettered by an earlier run
                if (start.containsKey(tp)) {
                    dlq.sentBefore(Map.of(tp, start.get(tp)));
                }
            }
            if (text != null) {
                textQueue = new BackgroundText(text, metrics);
            }
            int catalog = 0;
            while (running.get()
                    && itemParts.stream().anyMatch(tp -> items.position(tp) < itemsEnd.get(tp))) { // the catalog first
                for (ConsumerRecord<byte[], byte[]> r : items.poll(Duration.ofMillis(200))) {
                    applyItem(r);
                    catalog++;
                }
            }
            LOG.info("Read {} item records from {}", catalog, topics.items());
            CutAlignment<TopicPartition, GraphChange> align =
                    new CutAlignment<>(parts, c -> c.getKind() == GraphChangeKind.CUT);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : items.poll(Duration.ZERO)) {
                    applyItem(r);
                }
                drainText();
                for (ConsumerRecord<byte[], byte[]> r : edges.poll(Duration.ofMillis(200))) {
                    GraphChange c = decodeChange(r);
                    if (c == null) {
                        continue;
                    }
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    switch (align.offer(tp, r.offset(), c)) {
                        case APPLY -> applyEdge(r, c);
                        case PAUSE -> edges.pause(List.of(tp));
                        case HOLD -> {}
                    }
                }
                if (align.complete()) {
                    GraphChange cut = align.cut();
                    Map<TopicPartition, Long> positions = new HashMap<>();
                    for (TopicPartition tp : parts) { // where a restart resumes: the first record past the cut
                        positions.put(tp, align.firstHeld(tp).orElseGet(() -> edges.position(tp)));
                    }
                    long backlog = backlog(edges, parts, positions);
                    for (TopicPartition tp :
                            itemParts) { // saved with the snapshot: how far the catalog's dead letters have been sent
                        positions.put(tp, items.position(tp));
                    }
                    drainText(); // content encoded while the cut was read counts for this cut
                    if (backlog > settings.maxBacklog()) {
                        LOG.info(
                                "Cut of trigger {} (seq {}) passed without training: {} changelog records behind",
                                cut.getTriggerId(),
                                cut.getSeq(),
                                backlog);
                        metrics.coalesced.incrementAndGet();
                    } else if (model.pendingEdges() > 0
                            || model.version() == 0 && model.edges() > 0
                            || contentChanged) {
                        publish(producer, cut, positions);
                    }
                    edges.resume(parts);
                    // what arrived past the cut, in order, up to each partition's next marker
                    align.release(c -> applyEdge(null, c), tp -> edges.pause(List.of(tp)));
                }
            }
        } finally {
            if (textQueue != null) {
                textQueue.close();
                textQueue = null;
            }
            deadLetters = null;
        }
    }

    /** A changelog record decoded, or null (counted and logged) when it cannot be: only the graph job writes there. */
    private GraphChange decodeChange(ConsumerRecord<byte[], byte[]> r) {
        try {
            return changes.decode(r.value());
        } catch (MalformedRecordException e) {
            metrics.badRecords.incrementAndGet();
            LOG.warn(
                    "Skipping undecodable changelog record {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            return null;
        }
    }

    /** An edge change into the model; {@code r}, where known, names the record in a warning. */
    private void applyEdge(ConsumerRecord<byte[], byte[]> r, GraphChange c) {
        String user = c.getUserId();
        String item = c.getItemId();
        try { // the graph job checked them against its own limit; this guards against another writer
            IdRules.check("user_id", user, Integer.MAX_VALUE);
            IdRules.check("item_id", item, Integer.MAX_VALUE);
        } catch (MalformedRecordException e) {
            metrics.badRecords.incrementAndGet();
            LOG.warn(
                    "Skipping changelog record {} (seq {}): {} {}",
                    r == null ? "held past a cut" : r.topic() + "-" + r.partition() + "@" + r.offset(),
                    c.getSeq(),
                    e.code(),
                    e.getMessage());
            return;
        }
        if (c.getKind() == GraphChangeKind.EDGE_ADDED) {
            model.addEdge(user, item);
        } else {
            model.removeEdge(user, item);
        }
        metrics.edgesRead.incrementAndGet();
        metrics.lastSeq.set(c.getSeq());
    }

    private void applyItem(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null && r.key() != null) { // a tombstone on the compacted catalog: the item is deleted
            String id = new String(r.key(), StandardCharsets.UTF_8);
            try {
                IdRules.check("tombstone key", id, Integer.MAX_VALUE);
            } catch (MalformedRecordException ex) {
                reject(r, ex);
                return;
            }
            withdrawn.add(id);
            model.withdrawItem(id);
            if (textQueue != null) {
                textQueue.withdraw(id);
            }
            return;
        }
        ItemEvent e;
        try {
            e = itemCodec.decode(r.value());
            itemRules.check(e);
        } catch (MalformedRecordException ex) {
            reject(r, ex);
            return;
        } catch (RuntimeException ex) { // a decoder bug must not stop the model server either
            reject(r, new MalformedRecordException(ReasonCode.UNDECODABLE, "unexpected " + ex));
            return;
        }
        String id = e.getItemId();
        if (e.getDeleted()) { // withdrawn: its edges still train the graph, but no version publishes it
            withdrawn.add(id);
            model.withdrawItem(id);
            if (textQueue != null) {
                textQueue.withdraw(id);
            }
            return;
        }
        if (withdrawn.remove(id)) {
            model.relistItem(id);
        }
        if (e.getVectors() != null) {
            for (Map.Entry<String, List<Float>> v : e.getVectors().entrySet()) {
                float[] a = new float[v.getValue().size()];
                for (int k = 0; k < a.length; k++) {
                    a[k] = v.getValue().get(k);
                }
                try {
                    model.setContent(id, v.getKey(), a);
                } catch (IllegalArgumentException ex) { // another dimension than the modality's earlier vectors
                    reject(r, new MalformedRecordException(ReasonCode.BAD_VECTOR, ex.getMessage()));
                }
            }
        }
        if (textQueue != null && !e.getText().isEmpty()) {
            StringBuilder b = new StringBuilder();
            new TreeMap<>(e.getText())
                    .forEach((k, v) -> b.append(b.length() == 0 ? "" : ". ").append(v));
            if (!b.toString().isBlank()) {
                textQueue.submit(id, b.toString());
            }
        }
    }

    private void reject(ConsumerRecord<byte[], byte[]> r, MalformedRecordException ex) {
        metrics.badRecords.incrementAndGet();
        metrics.deadLetters.incrementAndGet();
        if (deadLetters != null) {
            deadLetters.reject(r, ex);
        }
    }

    /** Takes the texts encoded so far into the model (this thread owns the model; the encoder never waits for it). */
    private void drainText() {
        if (textQueue == null) {
            return;
        }
        int n = textQueue.drain((id, v) -> {
            try {
                model.setContent(id, "text", v);
            } catch (IllegalArgumentException ex) {
                metrics.badRecords.incrementAndGet();
                LOG.warn("Text vector of item {} rejected: {}", id, ex.getMessage());
            }
        });
        contentChanged |= n > 0;
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, GraphChange cut, Map<TopicPartition, Long> positions)
            throws IOException {
        drainText(); // whatever is encoded by now; the rest of the catalog's texts come in later versions
        if (model.edges() == 0) {
            return;
        }
        contentChanged = false;
        long started = System.currentTimeMillis();
        metrics.training.set(publishedVersion + 1);
        ModelVersion v;
        try {
            v = model.fineTune(cut.getSeq());
        } finally {
            metrics.training.set(0);
        }
        long trained = System.currentTimeMillis();
        long number = Math.max(v.version(), publishedVersion + 1);
        String topic = settings.topics().embeddings();
        if (published != null
                && published.dim() != v.dim()) { // RedND gains a channel when a new modality first appears
            LOG.warn(
                    "Version {} is {} wide, the published ones {}: publishing it in full",
                    v.version(),
                    v.dim(),
                    published.dim());
            published = null;
        }
        if (published == null) {
            published = new PublishedVectors(v.dim());
        }
        PublishedVectors.Plan plan = published.plan(
                v, number, withdrawn, fullRequested.getAndSet(false), settings.fullEvery(), settings.deltaTolerance());
        long bytes = new VersionWriter(producer, topic).write(v, number, plan, withdrawn, cut);
        long committed = System.currentTimeMillis();
        published.applied(plan, v);
        publishedVersion = number;
        snapshots.save(model, positions);
        metrics.version.set(number);
        metrics.versions.incrementAndGet();
        metrics.lastTrainingSeconds.set(((Number) v.metrics().get("seconds")).doubleValue());
        LOG.info(
                "Published version {} ({}) through seq {} (trigger {}): {} of {} users, {} of {} items{}, {} KB; {} edges ({} new), "
                        + "{} steps, loss {} (new edges {}, replayed {}), {} s; {} s after its trigger (waited {} s, trained {} s, published {} s)",
                number,
                plan.full() ? "full" : "delta on " + plan.baseVersion(),
                v.throughSeq(),
                cut.getTriggerId(),
                plan.userRows().length,
                plan.users(),
                plan.itemRows().length,
                plan.items(),
                plan.removed().isEmpty() ? "" : ", " + plan.removed().size() + " withdrawn",
                bytes >> 10,
                v.metrics().get("edges"),
                v.metrics().getOrDefault("new_edges", "all"),
                v.metrics().get("steps"),
                fmt(v.metrics().get("loss")),
                fmt(v.metrics().get("loss_new")),
                fmt(v.metrics().get("loss_replay")),
                fmt(v.metrics().get("seconds")),
                seconds(committed - cut.getEventTime().toEpochMilli()),
                seconds(started - cut.getEventTime().toEpochMilli()),
                seconds(trained - started),
                seconds(committed - trained));
    }

    private static String seconds(long ms) {
        return String.format("%.1f", ms / 1000.0);
    }

    private static String fmt(Object x) {
        return x instanceof Number n ? String.format("%.4f", n.doubleValue()) : "-";
    }

    /** The highest COMMIT version on the embeddings topic (0 if none). */
    private long lastPublishedVersion() {
        long last = 0;
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(c, settings.topics().embeddings());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if ("commit".equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        last = Math.max(last, embeddingCodec.decode(r.value()).getModelVersion());
                    }
                }
            }
        }
        return last;
    }

    private static long backlog(
            KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts, Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        long b = 0;
        for (TopicPartition tp : parts) {
            b += Math.max(0, end.get(tp) - positions.get(tp));
        }
        return b;
    }

    private void ensureEmbeddingsTopic() {
        try (Admin admin = Admin.create(KafkaProperties.admin(settings.bootstrap(), settings.kafkaProperties()))) {
            String name = settings.topics().embeddings();
            if (!admin.listTopics().names().get().contains(name)) {
                // the broker's default.replication.factor: 1 on a dev broker, 3 on a cluster (a fixed 1 would be below
                // its min.insync.replicas)
                admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty())
                                .configs(Map.of(
                                        "cleanup.policy",
                                        "compact",
                                        "max.message.bytes",
                                        String.valueOf(4 * 1024 * 1024)))))
                        .all()
                        .get();
                LOG.info("Created topic {} (1 partition, compacted, the broker's default replication)", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot create the embeddings topic: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            var infos = c.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .sorted(Comparator.comparingInt(TopicPartition::partition))
                        .toList();
            }
            if (System.nanoTime() > deadline || !running.get()) {
                throw new IllegalStateException("topic " + topic + " does not exist on " + settings.bootstrap()
                        + " (is the graph job running?)");
            }
            LOG.info("Waiting for topic {} to exist", topic);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(
                KafkaProperties.readCommittedConsumer(settings.bootstrap(), settings.kafkaProperties()));
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer() {
        return new KafkaProducer<>(KafkaProperties.transactionalProducer(
                settings.bootstrap(), settings.transactionalId(), settings.kafkaProperties()));
    }

    @Override
    public void close() {
        stop();
    }
}
