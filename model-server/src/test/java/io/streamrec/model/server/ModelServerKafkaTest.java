package io.streamrec.model.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.ItemEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model server against a real broker: changelog with CUT markers on two partitions and an
 * items topic in, versions out (one transaction each, COMMIT last), a snapshot, and a restart
 * that continues from it without losing an edge.
 */
class ModelServerKafkaTest {
    private static final Topics TOPICS = new Topics("t.");
    private final AvroCodec<GraphChange> changes = AvroCodec.of(GraphChange.class);
    private final AvroCodec<EmbeddingRecord> embeddings = AvroCodec.of(EmbeddingRecord.class);
    private long seq;
    private long trigger;

    private void edges(KafkaProducer<byte[], byte[]> p, List<String[]> list) {
        for (String[] e : list) {
            GraphChange c = GraphChange.newBuilder()
                    .setKind(GraphChangeKind.EDGE_ADDED)
                    .setSeq(++seq)
                    .setUserId(e[0])
                    .setItemId(e[1])
                    .setWeight(1f)
                    .setEventTime(Instant.now())
                    .setItemDegree(1)
                    .setTriggerId(0)
                    .build();
            p.send(new ProducerRecord<>(
                    TOPICS.graphEdges(),
                    Math.abs(e[0].hashCode()) % 2,
                    e[0].getBytes(StandardCharsets.UTF_8),
                    changes.encode(c)));
        }
    }

    private void cut(KafkaProducer<byte[], byte[]> p) {
        trigger++;
        for (int part = 0; part < 2; part++) {
            GraphChange c = GraphChange.newBuilder()
                    .setKind(GraphChangeKind.CUT)
                    .setSeq(seq)
                    .setUserId("")
                    .setItemId("")
                    .setWeight(0f)
                    .setEventTime(Instant.now())
                    .setItemDegree(0)
                    .setTriggerId(trigger)
                    .build();
            p.send(new ProducerRecord<>(TOPICS.graphEdges(), part, null, changes.encode(c)));
        }
        p.flush();
    }

    private static List<String[]> world(Random r, int from, int to) {
        List<String[]> l = new ArrayList<>();
        for (int user = from; user < to; user++) {
            int u = user;
            Set<Integer> items = new HashSet<>();
            while (items.size() < 8) {
                items.add((u % 4) * 20 + r.nextInt(20));
            }
            items.forEach(i -> l.add(new String[] {"u" + u, "i" + i}));
        }
        return l;
    }

    private Thread start(ModelServer server) {
        Thread t = new Thread(
                () -> {
                    try {
                        server.run();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                "model-server");
        t.start();
        return t;
    }

    private List<EmbeddingRecord> commits(String bootstrap, int atLeast) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) { // the server creates the topic when it starts
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(TOPICS.embeddings()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        return KafkaClients.readAll(
                        bootstrap,
                        TOPICS.embeddings(),
                        all -> all.stream()
                                        .filter(r -> "commit".equals(new String(r.key(), StandardCharsets.UTF_8)))
                                        .count()
                                >= atLeast,
                        Duration.ofSeconds(120),
                        Duration.ZERO)
                .stream()
                .filter(r -> "commit".equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> embeddings.decode(r.value()))
                .toList();
    }

    @Test
    void publishesAVersionPerCutAndRestartsFromItsSnapshot(@TempDir Path dir) throws Exception {
        Random r = new Random(1);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                Admin admin = KafkaClients.admin(kafka.bootstrapServers());
                KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            admin.createTopics(List.of(
                            new NewTopic(TOPICS.graphEdges(), 2, (short) 1),
                            new NewTopic(TOPICS.items(), 1, (short) 1)))
                    .all()
                    .get();
            AvroCodec<ItemEvent> items = AvroCodec.of(ItemEvent.class);
            for (int i = 0; i < 80; i++) { // content: the item's group, noisily; plus one item nobody has touched yet
                p.send(new ProducerRecord<>(
                        TOPICS.items(),
                        ("i" + i).getBytes(StandardCharsets.UTF_8),
                        items.encode(item("i" + i, i / 20, r))));
            }
            p.send(new ProducerRecord<>(
                    TOPICS.items(), "fresh".getBytes(StandardCharsets.UTF_8), items.encode(item("fresh", 2, r))));
            // bad catalog records: dead-lettered with their reasons, never items
            ItemEvent nan = item("nan", 1, r);
            nan.getVectors().get("image").set(3, Float.NaN);
            p.send(new ProducerRecord<>(TOPICS.items(), "nan".getBytes(StandardCharsets.UTF_8), items.encode(nan)));
            p.send(new ProducerRecord<>(
                    TOPICS.items(), "nul".getBytes(StandardCharsets.UTF_8), items.encode(item("bad\u0000id", 1, r))));
            p.send(new ProducerRecord<>(
                    TOPICS.items(), "junk".getBytes(StandardCharsets.UTF_8), new byte[] {0x53, 1, (byte) 0xff, 7}));
            ItemEvent narrow = ItemEvent.newBuilder(item("i7", 0, r))
                    .setVectors(Map.of("image", List.of(1f, 2f)))
                    .build();
            p.send(new ProducerRecord<>(TOPICS.items(), "i7".getBytes(StandardCharsets.UTF_8), items.encode(narrow)));
            List<String[]> first = world(r, 0, 60);
            edges(p, first);
            cut(p);
            List<String[]> second = world(r, 60, 100);
            edges(p, second);
            cut(p);

            ModelServer.Settings settings =
                    new ModelServer.Settings(bootstrap, TOPICS, dir.resolve("state"), 1_000_000, "test-model-server");
            IncrementalModel.Settings model = IncrementalModel.Settings.builder()
                    .dim(16)
                    .layers(2)
                    .learningRate(0.01)
                    .batchSize(256)
                    .lambda(1e-4)
                    .initialEpochs(10)
                    .budget(IncrementalModel.Budget.fixed(30))
                    .replayFraction(0.5)
                    .seed(3)
                    .device(Device.cpu())
                    .build();
            ModelServer server = new ModelServer(settings, model, null);
            var http = server.metrics().serve("127.0.0.1", 0);
            Thread t = start(server);
            List<EmbeddingRecord> c = commits(bootstrap, 2);
            assertEquals(2, c.size());
            assertEquals(1, c.get(0).getModelVersion());
            assertEquals(first.size(), c.get(0).getThroughSeq());
            assertEquals(60, c.get(0).getUsers(), "version 1 has seen exactly the edges before the first cut");
            assertEquals(2, c.get(1).getModelVersion());
            assertEquals(first.size() + second.size(), c.get(1).getThroughSeq());
            assertEquals(0, c.get(0).getBaseVersion(), "the first version of a model server is full");
            assertEquals(1, c.get(1).getBaseVersion(), "the second is a delta on the first");
            assertEquals(100.0, c.get(1).getMetrics().get("version_users"));
            assertTrue(
                    c.get(1).getUsers() >= 40 && c.get(1).getUsers() <= 100,
                    "at least the 40 new users: " + c.get(1).getUsers());
            assertEquals(
                    (double) (first.size() + second.size()),
                    c.get(1).getMetrics().get("edges"));
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + http.getAddress().getPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("streamrec_model_version 2"), metrics);
            assertTrue(metrics.contains("streamrec_model_dead_letters_total 4"), metrics);
            http.stop(0);
            assertEquals(
                    List.of("BAD_VECTOR", "BAD_VECTOR", "CONTROL_CHARACTER_IN_ID", "UNDECODABLE"),
                    deadLetterReasons(bootstrap, 4).stream().sorted().toList());

            // every record of a version is in the topic before its COMMIT; the fresh item is served from its content
            List<ConsumerRecord<byte[], byte[]>> all = KafkaClients.readAll(
                            bootstrap, TOPICS.embeddings(), x -> true, Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .stream()
                    .filter(x -> x.value() != null)
                    .toList();
            Map<Long, List<EmbeddingRecord>> byVersion = all.stream()
                    .map(x -> embeddings.decode(x.value()))
                    .collect(Collectors.groupingBy(EmbeddingRecord::getModelVersion));
            assertEquals(
                    100 + 81 + 1,
                    byVersion.get(1L).size() + 40,
                    "version 1: 60 users, 80 items + the fresh one, and the COMMIT");
            assertEquals(
                    c.get(1).getUsers() + c.get(1).getItems() + 1,
                    byVersion.get(2L).size(),
                    "version 2: what moved, and the COMMIT");
            assertEquals(
                    EmbeddingKind.COMMIT_PACKED,
                    byVersion.get(2L).get(byVersion.get(2L).size() - 1).getKind());
            assertTrue(
                    byVersion.get(2L).stream()
                            .allMatch(x -> x.getKind() != EmbeddingKind.USER
                                    && x.getKind() != EmbeddingKind.ITEM
                                    && x.getVector().isEmpty()),
                    "version 2 writes packed records only");
            assertTrue(
                    byVersion.get(1L).stream()
                            .anyMatch(x -> EmbeddingRecords.isItem(x)
                                    && x.getEntityId().equals("fresh")
                                    && EmbeddingRecords.vector(x).length == 16),
                    "the fresh item is served from its content");

            // stop the server; edges and a cut arrive meanwhile; a new process resumes from the snapshot
            server.stop();
            t.join(60_000);
            List<String[]> third = world(r, 100, 130);
            edges(p, third);
            cut(p);
            // and the catalog withdraws i5: later versions leave it out (its edges still count)
            p.send(new ProducerRecord<>(
                    TOPICS.items(),
                    "i5".getBytes(StandardCharsets.UTF_8),
                    items.encode(ItemEvent.newBuilder()
                            .setItemId("i5")
                            .setText(Map.of())
                            .setVectors(null)
                            .setDeleted(true)
                            .setEventTime(Instant.now())
                            .build())));
            p.send(new ProducerRecord<>(
                    TOPICS.items(), "i6".getBytes(StandardCharsets.UTF_8), null)); // a tombstone deletes too
            p.flush();
            ModelServer again = new ModelServer(settings, model, null);
            Thread t2 = start(again);
            c = commits(bootstrap, 3);
            again.stop();
            t2.join(60_000);
            EmbeddingRecord v3 = c.get(2);
            assertEquals(3, v3.getModelVersion());
            assertEquals(seq, v3.getThroughSeq());
            assertEquals(130, v3.getUsers());
            long distinct = new HashSet<>(concat(first, second, third).stream()
                            .map(e -> e[0] + "|" + e[1])
                            .toList())
                    .size();
            assertEquals(
                    (double) distinct, v3.getMetrics().get("edges"), "no edge lost or repeated across the restart");
            assertEquals(79, v3.getItems(), "the withdrawn and the deleted item are not published");
            List<EmbeddingRecord> v3records = KafkaClients.readAll(
                            bootstrap, TOPICS.embeddings(), x -> true, Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .stream()
                    .filter(x -> x.value() != null)
                    .map(x -> embeddings.decode(x.value()))
                    .filter(x -> x.getModelVersion() == 3)
                    .toList();
            assertTrue(
                    v3records.stream()
                            .noneMatch(x -> x.getEntityId().equals("i5")
                                    || x.getEntityId().equals("i6")),
                    "no vector of the withdrawn or deleted item in version 3");
            assertEquals(130 + 79 + 1, v3records.size(), "after a restart, the first version is full");
            assertEquals(0, v3.getBaseVersion());
            assertEquals(
                    4,
                    deadLetterReasons(bootstrap, 4).size(),
                    "the restart read the bad catalog records again but did not dead-letter them twice");

            // a bit flipped in the newest snapshot: the server sets it aside and restores the one before
            // it (version 2, through the second cut), so it trains the third cut again (as version 4) and
            // then the new one (5), losing or repeating no edge
            Path state = dir.resolve("state");
            flipAByte(state.resolve("snapshot/state.bin"));
            List<String[]> fourth = world(r, 130, 140);
            ModelServer restored = new ModelServer(settings, model, null);
            c = serveUntil(restored, p, fourth, bootstrap, 5);
            assertEquals(
                    List.of(4L, 5L),
                    c.subList(3, 5).stream()
                            .map(EmbeddingRecord::getModelVersion)
                            .toList(),
                    "versions go on from the topic's, not from the older snapshot's");
            assertEquals(
                    v3.getThroughSeq(),
                    c.get(3).getThroughSeq(),
                    "the third cut trained again from the previous snapshot");
            assertEquals(seq, c.get(4).getThroughSeq());
            distinct = new HashSet<>(concat(first, second, third, fourth).stream()
                            .map(e -> e[0] + "|" + e[1])
                            .toList())
                    .size();
            assertEquals(
                    (double) distinct,
                    c.get(4).getMetrics().get("edges"),
                    "restored from the previous snapshot: no edge lost or repeated");
            assertTrue(
                    restored.metrics().prometheus().contains("streamrec_model_damaged_snapshots 1"),
                    restored.metrics().prometheus());
            assertTrue(
                    Files.exists(state.resolve("snapshot.damaged/state.bin")),
                    "the damaged snapshot is kept for inspection");

            // both snapshots damaged (one flipped, one truncated): rebuilt from the changelog's beginning,
            // one version per cut in it (6 to 10), the last with every edge once
            flipAByte(state.resolve("snapshot/state.bin"));
            Path prev = state.resolve("snapshot.prev/state.bin");
            Files.write(prev, Arrays.copyOf(Files.readAllBytes(prev), (int) Files.size(prev) / 2));
            List<String[]> fifth = world(r, 140, 150);
            ModelServer rebuilt = new ModelServer(settings, model, null);
            c = serveUntil(rebuilt, p, fifth, bootstrap, 10);
            assertEquals(
                    first.size(),
                    c.get(5).getThroughSeq(),
                    "version 6 is the first cut again: the model started from nothing");
            EmbeddingRecord last = c.get(9);
            assertEquals(10, last.getModelVersion());
            assertEquals(seq, last.getThroughSeq());
            distinct = new HashSet<>(concat(first, second, third, fourth, fifth).stream()
                            .map(e -> e[0] + "|" + e[1])
                            .toList())
                    .size();
            assertEquals(
                    (double) distinct, last.getMetrics().get("edges"), "rebuilt from the changelog: every edge once");
            assertTrue(rebuilt.metrics().prometheus().contains("streamrec_model_damaged_snapshots 2"));
        }
    }

    /** serve --model mmgef through a real broker: the content graph follows the catalog (arrival, withdrawal), versions are MM-GEF's. */
    @Test
    void servesMmGefWithTheContentGraphFollowingTheCatalog(@TempDir Path dir) throws Exception {
        Random r = new Random(2);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                Admin admin = KafkaClients.admin(kafka.bootstrapServers());
                KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            admin.createTopics(List.of(
                            new NewTopic(TOPICS.graphEdges(), 2, (short) 1),
                            new NewTopic(TOPICS.items(), 1, (short) 1)))
                    .all()
                    .get();
            AvroCodec<ItemEvent> items = AvroCodec.of(ItemEvent.class);
            for (int i = 0; i < 80; i++) {
                p.send(new ProducerRecord<>(
                        TOPICS.items(),
                        ("i" + i).getBytes(StandardCharsets.UTF_8),
                        items.encode(item("i" + i, i / 20, r))));
            }
            edges(p, world(r, 0, 60));
            cut(p);
            ModelServer.Settings settings =
                    new ModelServer.Settings(bootstrap, TOPICS, dir.resolve("state"), 1_000_000, "test-mmgef");
            IncrementalModel.Settings model = IncrementalModel.Settings.builder()
                    .dim(16)
                    .layers(1)
                    .learningRate(0.01)
                    .batchSize(256)
                    .lambda(1e-4)
                    .initialEpochs(5)
                    .budget(IncrementalModel.Budget.fixed(20))
                    .replayFraction(0.5)
                    .seed(3)
                    .device(Device.cpu())
                    .build();
            ModelServer server = new ModelServer(settings, model, null);
            server.useGraphFusion(GraphFusionConfig.defaults(GraphFusionConfig.Kind.MMGEF));
            Thread t = start(server);
            List<EmbeddingRecord> c = commits(bootstrap, 1);
            assertEquals(
                    80.0, c.get(0).getMetrics().get("knn_items"), "every item with content is in the content graph");
            // the catalog withdraws i5 and lists a new item: the graph follows before the next version
            p.send(new ProducerRecord<>(
                    TOPICS.items(),
                    "i5".getBytes(StandardCharsets.UTF_8),
                    items.encode(ItemEvent.newBuilder()
                            .setItemId("i5")
                            .setText(Map.of())
                            .setVectors(null)
                            .setDeleted(true)
                            .setEventTime(Instant.now())
                            .build())));
            p.send(new ProducerRecord<>(
                    TOPICS.items(), "late".getBytes(StandardCharsets.UTF_8), items.encode(item("late", 1, r))));
            p.flush();
            Thread.sleep(
                    2000); // the catalog and the changelog are separate topics: let the server read the catalog records
            // first
            edges(p, world(r, 60, 80));
            cut(p);
            c = commits(bootstrap, 2);
            server.stop();
            t.join(60_000);
            EmbeddingRecord v2 = c.get(1);
            assertEquals(80.0, v2.getMetrics().get("knn_items"), "79 listed items and the new one");
            assertEquals(1.0, v2.getMetrics().get("knn_withdrawals"));
            List<EmbeddingRecord> records = KafkaClients.readAll(
                            bootstrap, TOPICS.embeddings(), x -> true, Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .stream()
                    .filter(x -> x.value() != null)
                    .map(x -> embeddings.decode(x.value()))
                    .toList();
            assertTrue(
                    records.stream()
                            .anyMatch(x -> x.getModelVersion() == 1
                                    && EmbeddingRecords.isItem(x)
                                    && EmbeddingRecords.vector(x).length == 16),
                    "MM-GEF publishes d-wide item vectors");
        }
    }

    /** Sends {@code edges} and a cut, runs {@code server} until the topic has {@code commits} versions, stops it. */
    private List<EmbeddingRecord> serveUntil(
            ModelServer server, KafkaProducer<byte[], byte[]> p, List<String[]> edges, String bootstrap, int commits)
            throws Exception {
        edges(p, edges);
        cut(p);
        Thread t = start(server);
        List<EmbeddingRecord> c = commits(bootstrap, commits);
        server.stop();
        t.join(60_000);
        return c;
    }

    private static void flipAByte(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 3] ^= 0x10;
        Files.write(f, b);
    }

    @Test
    void anEncodingBacklogDoesNotBlockAVersion(@TempDir Path dir) throws Exception {
        Random r = new Random(5);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                Admin admin = KafkaClients.admin(kafka.bootstrapServers());
                KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            admin.createTopics(List.of(
                            new NewTopic(TOPICS.graphEdges(), 2, (short) 1),
                            new NewTopic(TOPICS.items(), 1, (short) 1)))
                    .all()
                    .get();
            AvroCodec<ItemEvent> items = AvroCodec.of(ItemEvent.class);
            for (int i = 0; i < 80; i++) { // text only: the encoder must place them
                p.send(new ProducerRecord<>(
                        TOPICS.items(),
                        ("i" + i).getBytes(StandardCharsets.UTF_8),
                        items.encode(ItemEvent.newBuilder()
                                .setItemId("i" + i)
                                .setText(Map.of("title", "group" + (i / 20)))
                                .setVectors(null)
                                .setEventTime(Instant.now())
                                .build())));
            }
            p.send(new ProducerRecord<>(
                    TOPICS.items(),
                    "textonly".getBytes(StandardCharsets.UTF_8),
                    items.encode(ItemEvent.newBuilder()
                            .setItemId("textonly")
                            .setText(Map.of("title", "group2"))
                            .setVectors(null)
                            .setEventTime(Instant.now())
                            .build())));
            edges(p, world(r, 0, 60));
            cut(p);
            CountDownLatch release = new CountDownLatch(1);
            ModelServer.TextVectors blocked = texts -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                float[][] out = new float[texts.size()][];
                for (int k = 0;
                        k < out.length;
                        k++) { // one axis per group, like a sentence encoder would separate them
                    out[k] = new float[4];
                    out[k][texts.get(k).charAt(texts.get(k).length() - 1) - '0'] = 1;
                }
                return out;
            };
            ModelServer server = new ModelServer(
                    new ModelServer.Settings(bootstrap, TOPICS, dir.resolve("state"), 1_000_000, "test-text"),
                    IncrementalModel.Settings.builder()
                            .dim(16)
                            .layers(2)
                            .learningRate(0.01)
                            .batchSize(256)
                            .lambda(1e-4)
                            .initialEpochs(5)
                            .budget(IncrementalModel.Budget.fixed(10))
                            .replayFraction(0.5)
                            .seed(3)
                            .device(Device.cpu())
                            .build(),
                    blocked);
            var http = server.metrics().serve("127.0.0.1", 0, server::requestFullVersion);
            Thread t = start(server);
            List<EmbeddingRecord> c = commits(bootstrap, 1);
            assertEquals(1, c.size(), "version 1 is published while the encoder is still busy");
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + http.getAddress().getPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            // the encoder holds its first chunk (it woke at the first text, so 0 to 80 of the 81 still wait behind it)
            assertTrue(
                    metrics.contains("streamrec_model_text_encoded_total 0\n")
                            && metrics.matches("(?s).*streamrec_model_text_waiting \\d+\n.*"),
                    "the backlog shows: " + metrics);
            release.countDown();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.metrics().prometheus().contains("streamrec_model_text_encoded_total 0\n")
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            HttpResponse<String> full = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + http.getAddress().getPort() + "/publish-full"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(202, full.statusCode());
            String base = "http://127.0.0.1:" + http.getAddress().getPort();
            HttpResponse<String> get = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/publish-full"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode(), "GET does not request a full version");
            assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
            assertEquals(
                    405,
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            HttpResponse<String> missing = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/metricsx"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("GET /metrics"), missing.body());
            cut(p); // no new edge: the newly encoded content alone makes a version
            c = commits(bootstrap, 2);
            assertEquals(2, c.size(), "the encoded content made a version");
            assertEquals(0, c.get(1).getBaseVersion(), "full, as requested over HTTP");
            server.stop();
            t.join(60_000);
            http.stop(0);
            List<EmbeddingRecord> records = KafkaClients.readAll(
                            bootstrap, TOPICS.embeddings(), x -> true, Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .stream()
                    .filter(x -> x.value() != null)
                    .map(x -> embeddings.decode(x.value()))
                    .toList();
            assertTrue(
                    records.stream()
                            .noneMatch(x ->
                                    x.getModelVersion() == 1 && x.getEntityId().equals("textonly")),
                    "version 1 could not place the text-only item: its text was not encoded yet");
            assertTrue(
                    records.stream()
                            .anyMatch(x ->
                                    x.getModelVersion() == 2 && x.getEntityId().equals("textonly")),
                    "version 2 places it from its text");
        }
    }

    @SafeVarargs
    private static List<String[]> concat(List<String[]>... lists) {
        List<String[]> all = new ArrayList<>();
        for (List<String[]> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static List<String> deadLetterReasons(String bootstrap, int atLeast) throws Exception {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
        return KafkaClients.readAll(
                        bootstrap,
                        TOPICS.deadLetters(),
                        all -> all.size() >= atLeast,
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(2))
                .stream()
                .map(x -> codec.decode(x.value()))
                .peek(d -> assertEquals(TOPICS.items(), d.getSourceTopic()))
                .map(d -> d.getReasonCode())
                .toList();
    }

    private static ItemEvent item(String id, int group, Random r) {
        List<Float> v = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            v.add((float) (0.2 * r.nextGaussian() + (k == group ? 1 : 0)));
        }
        return ItemEvent.newBuilder()
                .setItemId(id)
                .setVectors(Map.of("image", v))
                .setEventTime(Instant.now())
                .build();
    }
}
