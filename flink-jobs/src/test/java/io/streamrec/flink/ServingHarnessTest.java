package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.flink.graph.EdgeChange;
import io.streamrec.flink.ingest.Interaction;
import io.streamrec.flink.io.EmbeddingsFeed;
import io.streamrec.flink.io.TopicProvisioner;
import io.streamrec.flink.serving.CatalogFeed;
import io.streamrec.flink.serving.MetricOut;
import io.streamrec.flink.serving.ModelUpdate;
import io.streamrec.flink.serving.PartialScores;
import io.streamrec.flink.serving.RecommendationOut;
import io.streamrec.flink.serving.RollingMetricsFunction;
import io.streamrec.flink.serving.Scored;
import io.streamrec.flink.serving.ScoresPreAggregator;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.flink.serving.ServingFunction;
import io.streamrec.flink.serving.UserInput;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.serving.RankSample;
import io.streamrec.serving.RankingMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The serving operator in Flink's keyed-broadcast harness: versions go live only at their COMMIT,
 * seen items never come back, fold-in moves a known user, a restore rebuilds the item table from
 * the embeddings topic (nothing of it is in the checkpoint), and scores are summed per task.
 */
class ServingHarnessTest {
    private static final ServingConfig SERVING =
            new ServingConfig(true, 2, 1, Duration.ofHours(1)).withRankSampleRate(1.0);

    private static KeyedBroadcastOperatorTestHarness<String, UserInput, ModelUpdate, EdgeChange> harness(
            String scope, CatalogFeed replay) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ServingFunction(Duration.ZERO, SERVING, scope, replay),
                UserInput::user,
                TypeInformation.of(String.class),
                ServingFunction.VERSIONS_SERVED);
    }

    /** A harness not opened yet, to restore into. */
    private static KeyedBroadcastOperatorTestHarness<String, UserInput, ModelUpdate, EdgeChange> unopened(
            String scope, CatalogFeed replay) throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new ServingFunction(Duration.ZERO, SERVING, scope, replay),
                        List.of(ServingFunction.VERSIONS_SERVED)),
                UserInput::user,
                TypeInformation.of(String.class),
                1,
                1,
                0); // as ProcessFunctionTestHarnesses builds the first
    }

    private static ModelUpdate item(long v, String id, float... x) {
        return new ModelUpdate(ModelUpdate.ITEM, id, v, x, 0, 0, 0);
    }

    private static ModelUpdate commit(long v, int items) {
        return new ModelUpdate(ModelUpdate.COMMIT, "", v, new float[0], System.currentTimeMillis(), items, v);
    }

    private static UserInput click(String user, String item, long t) {
        return UserInput.of(new Interaction(user, item, false, 1f, t));
    }

    private static List<RecommendationOut> recs(
            KeyedBroadcastOperatorTestHarness<String, UserInput, ModelUpdate, EdgeChange> h) {
        List<RecommendationOut> out = new ArrayList<>();
        var q = h.getSideOutput(ServingFunction.RECOMMENDATIONS);
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static List<Scored> scored(
            KeyedBroadcastOperatorTestHarness<String, UserInput, ModelUpdate, EdgeChange> h) {
        List<Scored> out = new ArrayList<>();
        var q = h.getSideOutput(ServingFunction.SCORED);
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void versionsGoLiveAtTheirCommitSeenItemsStayOutAndFoldInMovesAUser() throws Exception {
        try (var h = harness("atomic-" + System.nanoTime(), null)) {
            // version 1 half read: nothing is served
            h.processBroadcastElement(item(1, "a", 3, 0), 1);
            h.processBroadcastElement(item(1, "b", 2, 0), 1);
            h.processElement(click("u1", "x", 10), 10);
            assertEquals(0, recs(h).size(), "no version is live before its COMMIT");
            assertEquals(1, h.extractOutputValues().size(), "the edge is learned all the same");
            h.processBroadcastElement(item(1, "c", 1, 0), 2);
            h.processBroadcastElement(item(1, "d", 0, 1), 2);
            h.processBroadcastElement(commit(1, 4), 3);
            // u1 (unknown to v1; x is not in v1): centroid (1.5, 0.25); takes c: rank 3 behind a and b
            h.processElement(click("u1", "c", 11), 11);
            assertEquals(
                    List.of(Scored.NOT_RANKED, 3),
                    scored(h).stream().map(s -> s.rank).toList(),
                    "x came before any version was live: counted, not ranked; c is ranked");
            assertEquals(List.of(0L, 1L), scored(h).stream().map(s -> s.version).toList());
            RecommendationOut r = recs(h).get(0);
            assertEquals(1, r.version);
            assertArrayEquals(new String[] {"a", "b"}, r.items, "top-2 of the mean of c; c itself is seen");
            h.processElement(click("u1", "a", 12), 12);
            assertArrayEquals(new String[] {"b", "d"}, recs(h).get(1).items, "a and c are seen");
            // v2's items arrive but not its COMMIT: u1 still served by v1, whole
            h.processBroadcastElement(item(2, "a", 0, 1), 4);
            h.processBroadcastElement(item(2, "b", 0, 2), 4);
            h.processBroadcastElement(item(2, "d", 5, 0), 4);
            h.processElement(UserInput.of(new ModelUpdate(ModelUpdate.USER, "u1", 2, new float[] {0, 1}, 0, 0, 0)), 13);
            h.processElement(click("u1", "b", 14), 14);
            assertEquals(1, recs(h).get(2).version, "a user vector of v2 before v2's COMMIT: v1 serves");
            h.processBroadcastElement(commit(2, 3), 5);
            h.processElement(click("u1", "zz", 15), 15);
            RecommendationOut v2 = recs(h).get(3);
            assertEquals(2, v2.version);
            assertArrayEquals(new String[] {"d"}, v2.items, "v2 has a, b, d; a and b are seen");
            // fold-in: u1's vector (0, 1) stood for 4 items; b (0, 2) since: direction unchanged, d's score 0
            assertEquals(0f, v2.scores[0], 1e-6f);
            h.processElement(UserInput.of(new ModelUpdate(ModelUpdate.USER, "u2", 2, new float[] {1, 0}, 0, 0, 0)), 16);
            h.processElement(click("u2", "a", 17), 17);
            RecommendationOut u2 = recs(h).get(4);
            // u2's vector (1, 0) stands for 0 items (weight 1) and a (0, 1) folds in with weight 1: (0.5, 0.5)
            assertArrayEquals(new String[] {"d", "b"}, u2.items);
            assertEquals(2.5f, u2.scores[0], 1e-5f);
            assertEquals(1.0f, u2.scores[1], 1e-5f);
        }
    }

    @Test
    void anEdgeBetweenAUserVectorAndItsVersionsCommitStaysSeen() throws Exception {
        try (var h = harness("early-vector-" + System.nanoTime(), null)) {
            h.processBroadcastElement(item(1, "a", 3, 0), 1);
            h.processBroadcastElement(item(1, "b", 2, 0), 1);
            h.processBroadcastElement(item(1, "c", 1, 0), 1);
            h.processElement(UserInput.of(new ModelUpdate(ModelUpdate.USER, "u1", 1, new float[] {1, 0}, 0, 0, 0)), 2);
            h.processElement(click("u1", "a", 3), 3); // no version live yet
            h.processBroadcastElement(commit(1, 3), 4);
            h.processElement(click("u1", "c", 5), 5);
            assertArrayEquals(
                    new String[] {"b"}, recs(h).get(0).items, "a, taken before the COMMIT, is still excluded");
        }
    }

    @Test
    void baselinesRankTheSameEventsAndThePreviousVersionIsScoredBesideTheNewest() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness("baselines-" + System.nanoTime(), null)) {
            // before any version: the most-popular counts learn all the same (d twice, c once)
            h.processElement(click("u2", "d", 10), 10);
            h.processElement(click("u3", "d", 11), 11);
            h.processElement(click("u4", "c", 12), 12);
            for (ModelUpdate m : List.of(
                    item(1, "a", 3, 0), item(1, "b", 2, 0), item(1, "c", 1, 0), item(1, "d", 0, 1), commit(1, 4))) {
                h.processBroadcastElement(m, 1);
            }
            h.processElement(UserInput.of(new ModelUpdate(ModelUpdate.USER, "u1", 1, new float[] {1, 0}, 0, 0, 0)), 13);
            h.processElement(click("u1", "d", 20), 20);
            h.processElement(click("u1", "c", 21), 21);
            List<Scored> s = scored(h).subList(3, 5);
            assertEquals(
                    List.of(4, 3),
                    s.stream().map(x -> x.rank).toList(),
                    "the model: d last of a, b, c, d; then c behind a and b");
            assertEquals(
                    List.of(1, 1),
                    s.stream().map(x -> x.popularRank).toList(),
                    "most-popular: d (2 edges) first; then d is seen and c (1 edge) is first");
            assertEquals(RankSample.randomRank("u1", "d", 20, 4), s.get(0).randomRank, "random: among the 4 unseen");
            assertEquals(RankSample.randomRank("u1", "c", 21, 3), s.get(1).randomRank, "random: among the 3 unseen");
            assertEquals(
                    List.of(0L, 0L),
                    s.stream().map(x -> x.previousVersion).toList(),
                    "one version served: nothing to pair");
            snapshot = h.snapshot(1, 22);
            // version 2 with u1's vector: an event it ranks is also ranked by version 1, on the same candidates
            for (ModelUpdate m : List.of(
                    item(2, "a", 1, 0), item(2, "b", 0, 1), item(2, "c", 0, 2), item(2, "d", 0, 3), commit(2, 4))) {
                h.processBroadcastElement(m, 2);
            }
            h.processElement(UserInput.of(new ModelUpdate(ModelUpdate.USER, "u1", 2, new float[] {1, 0}, 0, 0, 0)), 23);
            h.processElement(click("u1", "b", 30), 30);
            Scored paired = scored(h).get(5);
            assertEquals(2, paired.version);
            assertEquals(2, paired.rank, "v2: b behind a (c, d seen)");
            assertEquals(1, paired.previousVersion);
            assertEquals(2, paired.previousRank, "v1, u1 folded in: b behind a");
        }
        try (var h = unopened("baselines-after-" + System.nanoTime(), null)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            for (ModelUpdate m : List.of(
                    item(1, "a", 3, 0), item(1, "b", 2, 0), item(1, "c", 1, 0), item(1, "d", 0, 1), commit(1, 4))) {
                h.processBroadcastElement(m, 1);
            }
            h.processElement(click("u5", "c", 40), 40);
            h.processElement(click("u5", "d", 41), 41);
            assertEquals(
                    List.of(2, 1),
                    scored(h).stream().map(x -> x.popularRank).toList(),
                    "the counts came back from the checkpoint: d (3) before c (2), then d first of what u5 has not seen");
        }
    }

    @Test
    void aRestoreRebuildsTheItemTableFromTheEmbeddingsTopic() throws Exception {
        Topics topics = new Topics("harness-" + System.nanoTime() + ".");
        TopicProvisioner.ensureTopics(SharedBroker.bootstrap(), Map.of(), topics, 1, (short) 1);
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        List<byte[][]> records = new ArrayList<>();
        for (long v = 1; v <= 2; v++) {
            for (String id : new String[] {"a", "b", "c"}) {
                float x = v == 1 ? id.charAt(0) - 'a' : 'c' - id.charAt(0); // v1: c best; v2: a best
                // versions 1 and 2 as a version-1 model server wrote them (float arrays), still read
                records.add(new byte[][] {
                    ("i:" + id).getBytes(StandardCharsets.UTF_8),
                    codec.encode(new EmbeddingRecord(
                            EmbeddingKind.ITEM,
                            id,
                            v,
                            List.of(x, 1f),
                            0L,
                            0L,
                            0,
                            0,
                            Instant.EPOCH,
                            Instant.EPOCH,
                            Map.of(),
                            ByteBuffer.allocate(0),
                            0L,
                            List.of()))
                });
            }
            records.add(new byte[][] {
                "commit".getBytes(StandardCharsets.UTF_8),
                codec.encode(new EmbeddingRecord(
                        EmbeddingKind.COMMIT,
                        "",
                        v,
                        List.of(),
                        v,
                        v,
                        1,
                        3,
                        Instant.ofEpochMilli(1),
                        Instant.EPOCH,
                        Map.of(),
                        ByteBuffer.allocate(0),
                        0L,
                        List.of()))
            });
        }
        // version 3, packed: a delta on 2 that adds d (best) and withdraws c (its tombstone too)
        records.add(new byte[][] {
            "i:d".getBytes(StandardCharsets.UTF_8),
            codec.encode(EmbeddingRecords.packed(EmbeddingKind.ITEM_PACKED, "d", 3, new float[] {5, 1})
                    .build())
        });
        records.add(new byte[][] {"i:c".getBytes(StandardCharsets.UTF_8), null});
        EmbeddingRecord delta = EmbeddingRecords.packed(EmbeddingKind.COMMIT_PACKED, "", 3, new float[0])
                .setItems(1)
                .setBaseVersion(2)
                .setRemovedItems(List.of("c"))
                .setTriggerTime(Instant.ofEpochMilli(1))
                .build();
        records.add(new byte[][] {"commit".getBytes(StandardCharsets.UTF_8), codec.encode(delta)});
        SharedBroker.produce(topics.embeddings(), records);
        OperatorSubtaskState snapshot;
        try (var h = harness("before-" + System.nanoTime(), null)) {
            h.processBroadcastElement(item(1, "a", 0, 1), 1);
            h.processBroadcastElement(item(1, "b", 1, 1), 1);
            h.processBroadcastElement(item(1, "c", 2, 1), 1);
            h.processBroadcastElement(commit(1, 3), 1);
            h.processElement(click("u1", "b", 10), 10);
            assertArrayEquals(new String[] {"c", "a"}, recs(h).get(0).items);
            snapshot = h.snapshot(1, 11);
        }
        try (var h = unopened(
                "after-" + System.nanoTime(),
                new EmbeddingsFeed(SharedBroker.bootstrap(), topics.embeddings(), Map.of()))) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(click("u1", "zz", 12), 12);
            RecommendationOut r = recs(h).get(0);
            assertEquals(
                    3,
                    r.version,
                    "the newest committed version on the topic, rebuilt: version 2 with version 3's delta");
            assertArrayEquals(
                    new String[] {"d", "a"},
                    r.items,
                    "b is still seen after the restore (user state); d added, c withdrawn");
        }
        assertTrue(snapshotHasNoVectors(snapshot), "the checkpoint holds versions and offsets, not item vectors");
    }

    /** Version {@code v}'s records as the model server writes them: packed item vectors, tombstones, then its COMMIT. */
    private static List<byte[][]> version(long v, long base, String[] removed, Object... idAndVector) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        List<byte[][]> records = new ArrayList<>();
        for (int i = 0; i < idAndVector.length; i += 2) {
            records.add(new byte[][] {
                ("i:" + idAndVector[i]).getBytes(StandardCharsets.UTF_8),
                codec.encode(EmbeddingRecords.packed(
                                EmbeddingKind.ITEM_PACKED, (String) idAndVector[i], v, (float[]) idAndVector[i + 1])
                        .build())
            });
        }
        for (String id : removed) {
            records.add(
                    new byte[][] {("i:" + id).getBytes(StandardCharsets.UTF_8), null}); // a withdrawn item's tombstone
        }
        EmbeddingRecord c = EmbeddingRecords.packed(EmbeddingKind.COMMIT_PACKED, "", v, new float[0])
                .setItems(idAndVector.length / 2)
                .setBaseVersion(base)
                .setRemovedItems(List.of(removed))
                .setTriggerTime(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        records.add(new byte[][] {"commit".getBytes(StandardCharsets.UTF_8), codec.encode(c)});
        return records;
    }

    /** Clicks {@code u} on fresh items until a recommendation comes from {@code version}; false if none within 20 s. */
    private static boolean servedWithin(
            KeyedBroadcastOperatorTestHarness<String, UserInput, ModelUpdate, EdgeChange> h, String u, long version)
            throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        for (int i = 0; System.currentTimeMillis() < deadline; i++) {
            h.processElement(click(u, "fresh-" + i, 100 + i), 100 + i);
            List<RecommendationOut> r = recs(h);
            if (!r.isEmpty() && r.get(r.size() - 1).version == version) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void theFeedFollowsTheTopicWhileTheBroadcastInputCarriesNothing() throws Exception {
        Topics topics = new Topics("feed-" + System.nanoTime() + ".");
        TopicProvisioner.ensureTopics(SharedBroker.bootstrap(), Map.of(), topics, 1, (short) 1);
        SharedBroker.produce(
                topics.embeddings(),
                version(1, 0, new String[0], "a", new float[] {3, 0}, "b", new float[] {2, 0}, "c", new float[] {1, 0
                }));
        try (var h = harness(
                "feed-" + System.nanoTime(),
                new EmbeddingsFeed(SharedBroker.bootstrap(), topics.embeddings(), Map.of()))) {
            h.processElement(click("u1", "c", 10), 10);
            assertEquals(1, recs(h).get(0).version, "the first record rebuilds version 1 from the topic");
            assertArrayEquals(new String[] {"a", "b"}, recs(h).get(0).items);
            // version 2, a delta on 1 (b moves to the top, a withdrawn), reaches serving only through the topic
            SharedBroker.produce(
                    topics.embeddings(),
                    version(2, 1, new String[] {"a"}, "b", new float[] {9, 0}, "d", new float[] {5, 0}));
            assertTrue(servedWithin(h, "u1", 2), "version 2 goes live from the topic alone");
            RecommendationOut r = recs(h).get(recs(h).size() - 1);
            assertArrayEquals(new String[] {"b", "d"}, r.items, "b moved up, d added, a withdrawn, c seen");
            // the same version's COMMIT arriving later on the broadcast input changes nothing
            h.processBroadcastElement(delta(2, 1, 2, "a"), 5);
            assertTrue(servedWithin(h, "u1", 2));
            // a delta on a version this catalog never had makes the feed rebuild from the topic: still exact
            SharedBroker.produce(topics.embeddings(), version(4, 3, new String[0], "e", new float[] {20, 0}));
            SharedBroker.produce(topics.embeddings(), version(5, 4, new String[0], "b", new float[] {30, 0}));
            assertTrue(servedWithin(h, "u1", 5), "version 5 over the rebuilt version 4");
            assertArrayEquals(new String[] {"b", "e"}, recs(h).get(recs(h).size() - 1).items);
        }
    }

    @Test
    void aDeltaVersionAppliesOnItsBaseAtItsCommit() throws Exception {
        try (var h = harness("delta-" + System.nanoTime(), null)) {
            h.processBroadcastElement(item(1, "a", 3, 0), 1);
            h.processBroadcastElement(item(1, "b", 2, 0), 1);
            h.processBroadcastElement(item(1, "c", 1, 0), 1);
            h.processBroadcastElement(commit(1, 3), 1);
            h.processElement(click("u1", "zz", 10), 10);
            assertArrayEquals(new String[] {"a", "b"}, recs(h).get(0).items, "top-2");
            // version 2 moves c to the top and withdraws a; b did not move, so it has no record
            h.processBroadcastElement(item(2, "c", 9, 0), 2);
            h.processElement(click("u1", "zy", 11), 11);
            assertArrayEquals(new String[] {"a", "b"}, recs(h).get(1).items, "nothing of version 2 before its COMMIT");
            h.processBroadcastElement(delta(2, 1, 1, "a"), 2);
            h.processElement(click("u1", "zx", 12), 12);
            RecommendationOut r = recs(h).get(2);
            assertEquals(2, r.version);
            assertArrayEquals(new String[] {"c", "b"}, r.items, "c moved up, b kept from version 1, a withdrawn");
            // a delta whose base this task never had (here: on version 7) is not applied; version 2 stays
            h.processBroadcastElement(item(8, "a", 100, 0), 3);
            h.processBroadcastElement(delta(8, 7, 1), 3);
            h.processElement(click("u1", "zw", 13), 13);
            assertEquals(2, recs(h).get(3).version);
        }
    }

    private static ModelUpdate delta(long v, long base, int items, String... removed) {
        ModelUpdate m = commit(v, items);
        m.baseVersion = base;
        m.removed = removed;
        return m;
    }

    /** The broadcast (operator) state of the snapshot is a few bytes per version, not a table. */
    private static boolean snapshotHasNoVectors(OperatorSubtaskState s) {
        long bytes = s.getManagedOperatorState().stream()
                .mapToLong(h -> h.getStateSize())
                .sum();
        return bytes < 1024;
    }

    @Test
    void scoresAreSummedPerTaskAndFlushedBeforeEachBarrier() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<Scored, PartialScores>(
                new ScoresPreAggregator(10, 60_000, 3, 60_000))) {
            h.open();
            h.processElement(new StreamRecord<>(new Scored(1, 1, 1_000)));
            h.processElement(new StreamRecord<>(new Scored(1, 0, 2_000)));
            h.processElement(new StreamRecord<>(new Scored(2, 3, 3_000, 0.5f)));
            h.processElement(new StreamRecord<>(new Scored(0, Scored.NOT_RANKED, 3_500)));
            assertEquals(0, h.extractOutputValues().size(), "nothing before a sum is full, a timer or a barrier");
            h.processElement(new StreamRecord<>(new Scored(1, 20, 4_000)));
            List<PartialScores> out = h.extractOutputValues();
            assertEquals(1, out.size(), "version 1's sum is full at 3");
            assertEquals(3, out.get(0).n);
            assertEquals(3, out.get(0).events);
            assertEquals(1.0, out.get(0).ndcg, 1e-12);
            assertEquals(1.0, out.get(0).hits, 1e-12);
            h.processElement(new StreamRecord<>(new Scored(2, Scored.NOT_RANKED, 4_500)));
            h.prepareSnapshotPreBarrier(1);
            out = h.extractOutputValues();
            assertEquals(3, out.size());
            PartialScores v2 =
                    out.stream().filter(p -> p.version == 2).findFirst().orElseThrow();
            assertEquals(1, v2.n);
            assertEquals(2, v2.events, "one ranked, one outside the rank sample");
            assertEquals(1 / (Math.log(4) / Math.log(2)), v2.ndcg, 1e-12);
            assertEquals(1, v2.recallN);
            assertEquals(0.5, v2.recall, 1e-6);
            PartialScores none =
                    out.stream().filter(p -> p.version == 0).findFirst().orElseThrow();
            assertEquals(1, none.events, "a new edge before any version was live is counted");
            assertEquals(0, none.n);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
        }
    }

    @Test
    void everyNewEdgeIsCountedOnceInTheTimeWindowsAndOnlyRankedOnesScored() throws Exception {
        var f = new RollingMetricsFunction(10, 1000, Duration.ofMinutes(1));
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(f, (PartialScores p) -> p.version, Types.LONG)) {
            h.processElement(partial(0, 0, 5, 0, 0), 1);
            h.processElement(partial(1, 0, 4, 2, 1.5), 2);
            h.processElement(partial(1, 60_000, 1, 1, 1), 3); // a later window: the first one is emitted
            h.setProcessingTime(60_000); // idle: the rest is emitted
            Map<String, Double> sums = new TreeMap<>();
            for (MetricOut m : h.extractOutputValues()) {
                if (m.scorer.equals(MetricOut.MODEL) && m.against == null) {
                    sums.merge(m.version + " " + m.name + " " + m.samples, m.value, Double::sum);
                }
            }
            assertEquals(
                    Map.of(
                            "0 new_edges 5",
                            5.0,
                            "1 new_edges 4",
                            4.0,
                            "1 new_edges 1",
                            1.0,
                            "1 ndcg@10 2",
                            0.75,
                            "1 hit_rate@10 2",
                            0.5,
                            "1 ndcg@10 1",
                            1.0,
                            "1 hit_rate@10 1",
                            0.5),
                    sums,
                    "version 0 (none live) has only its count; a version's windows add up to its new edges");
        }
    }

    @Test
    void baselinesAndPairedComparisonsArePublishedWithTheirIntervals() throws Exception {
        var f = new RollingMetricsFunction(10, 1000, Duration.ofMinutes(1));
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(f, (PartialScores p) -> p.version, Types.LONG)) {
            // three ranked events of version 2: model ranks 1, 3, 0; most-popular 2, 0, 0; random 5, 0, 1; version 1
            // ranks 1, 1, 0
            double n1 = RankingMetrics.ndcg(1, 10);
            double n2 = RankingMetrics.ndcg(2, 10);
            double n3 = RankingMetrics.ndcg(3, 10);
            double n5 = RankingMetrics.ndcg(5, 10);
            PartialScores p = new PartialScores(2, 0);
            for (int[] r : new int[][] {{1, 2, 5, 1}, {3, 0, 0, 1}, {0, 0, 1, 0}}) {
                Scored s = new Scored(2, r[0], 1_000);
                s.popularRank = r[1];
                s.randomRank = r[2];
                s.previousVersion = 1;
                s.previousRank = r[3];
                p.add(s, 10);
            }
            h.processElement(p, 1);
            h.setProcessingTime(60_000); // idle: the window and the version's paired comparisons are emitted
            Map<String, MetricOut> out = new HashMap<>();
            for (MetricOut m : h.extractOutputValues()) {
                out.put(m.name + " " + m.scorer + " " + m.window + (m.against == null ? "" : " vs " + m.against), m);
            }
            assertEquals((n1 + n3) / 3, out.get("ndcg@10 model time:PT1M").value, 1e-12);
            assertEquals(n2 / 3, out.get("ndcg@10 most_popular time:PT1M").value, 1e-12);
            assertEquals((n5 + n1) / 3, out.get("ndcg@10 random time:PT1M").value, 1e-12);
            assertEquals(2 / 3.0, out.get("hit_rate@10 random time:PT1M").value, 1e-12);
            MetricOut pop = out.get("paired_ndcg@10 model version vs most_popular");
            double[] d = {n1 - n2, n3, 0};
            double mean = (d[0] + d[1] + d[2]) / 3;
            double sd = Math.sqrt(
                    ((d[0] - mean) * (d[0] - mean) + (d[1] - mean) * (d[1] - mean) + (d[2] - mean) * (d[2] - mean))
                            / 2);
            assertEquals(mean, pop.value, 1e-12);
            assertEquals(3, pop.samples);
            assertEquals(mean - 1.96 * sd / Math.sqrt(3), pop.low, 1e-12);
            assertEquals(mean + 1.96 * sd / Math.sqrt(3), pop.high, 1e-12);
            MetricOut prev = out.get("paired_ndcg@10 model version vs v1");
            assertEquals((n1 - n1 + n3 - n1 + 0) / 3, prev.value, 1e-12, "v2 minus v1 on the same three events");
            assertTrue(prev.low < prev.value && prev.value < prev.high);
        }
    }

    private static PartialScores partial(long version, long windowStart, long events, long ranked, double ndcg) {
        PartialScores p = new PartialScores(version, windowStart);
        p.events = events;
        p.n = ranked;
        p.ndcg = ndcg;
        p.hits = ranked / 2.0;
        return p;
    }
}
