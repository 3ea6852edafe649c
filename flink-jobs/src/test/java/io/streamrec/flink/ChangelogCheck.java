package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamrec.flink.changelog.ChangelogSequencer;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.ReasonCode;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.TrainingTrigger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Checks what the graph job wrote against {@link TestWorkload}'s expectations. */
final class ChangelogCheck {
    private ChangelogCheck() {}

    static long edgeCount(List<ConsumerRecord<byte[], byte[]>> records) {
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        return records.stream()
                .filter(r -> codec.decode(r.value()).getKind() != GraphChangeKind.CUT)
                .count();
    }

    /** Every expected change exactly once, per edge in order, dense seqs, right partitions, consistent CUTs. */
    static void checkChangelog(
            TestWorkload w,
            List<ConsumerRecord<byte[], byte[]>> records,
            List<ConsumerRecord<byte[], byte[]>> triggerRecords,
            int partitions) {
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        Map<String, List<String>> actualByEdge = new HashMap<>();
        BitSet seqs = new BitSet();
        int edges = 0;
        Map<Integer, List<GraphChange>> byPartition = new HashMap<>();
        Map<String, long[]> lastDegree = new HashMap<>(); // item -> {seq, degree}
        for (ConsumerRecord<byte[], byte[]> r : records) {
            GraphChange g = codec.decode(r.value());
            byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(g);
            if (g.getKind() == GraphChangeKind.CUT) {
                continue;
            }
            edges++;
            int s = Math.toIntExact(g.getSeq());
            if (seqs.get(s)) {
                fail("seq " + s + " appears twice: " + g);
            }
            seqs.set(s);
            assertEquals(ChangelogSequencer.partitionOf(g.getUserId(), partitions), r.partition(), "partition of " + g);
            assertEquals(g.getUserId(), new String(r.key(), StandardCharsets.UTF_8));
            String sign = g.getKind() == GraphChangeKind.EDGE_ADDED ? "+" : "-";
            actualByEdge
                    .computeIfAbsent(g.getUserId() + " " + g.getItemId(), k -> new ArrayList<>())
                    .add(g.getSeq() + "|" + g.getUserId() + " " + g.getItemId() + " " + sign + " " + g.getWeight());
            long[] d = lastDegree.get(g.getItemId());
            if (d == null || d[0] < g.getSeq()) {
                lastDegree.put(g.getItemId(), new long[] {g.getSeq(), g.getItemDegree()});
            }
        }
        assertEquals(w.expectedChanges(), edges, "edge changes in the changelog");
        assertEquals(edges, seqs.cardinality());
        assertEquals(1, seqs.nextSetBit(0), "seqs start at 1");
        assertEquals(edges + 1, seqs.nextClearBit(1), "seqs are dense");

        Map<String, List<String>> expectedByEdge = new HashMap<>();
        w.changesByUser
                .values()
                .forEach(list -> list.forEach(c -> {
                    String[] f = c.split(" ");
                    expectedByEdge
                            .computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>())
                            .add(c);
                }));
        assertEquals(expectedByEdge.size(), actualByEdge.size(), "distinct edges touched");
        for (Map.Entry<String, List<String>> e : expectedByEdge.entrySet()) {
            List<String> actual = actualByEdge.get(e.getKey());
            assertNotNull(actual, "no change for edge " + e.getKey());
            actual.sort((a, b) -> Long.compare(Long.parseLong(a.split("\\|")[0]), Long.parseLong(b.split("\\|")[0])));
            assertEquals(
                    e.getValue(),
                    actual.stream().map(a -> a.split("\\|")[1]).toList(),
                    "changes of edge " + e.getKey());
        }

        // final degrees: the item's last change carries its number of users
        Map<String, Integer> degree = new HashMap<>();
        w.adjacency.values().forEach(adj -> adj.keySet().forEach(i -> degree.merge(i, 1, Integer::sum)));
        lastDegree.forEach(
                (item, d) -> assertEquals(degree.getOrDefault(item, 0).longValue(), d[1], "degree of " + item));

        // consistent cuts: each trigger has a CUT in every partition, after every edge with seq <= through_seq.
        // The trigger topic is read after the changelog, so triggers committed after that read are skipped.
        long lastCut = byPartition.values().stream()
                .flatMap(List::stream)
                .filter(g -> g.getKind() == GraphChangeKind.CUT)
                .mapToLong(GraphChange::getTriggerId)
                .max()
                .orElse(0);
        AvroCodec<TrainingTrigger> tc = AvroCodec.of(TrainingTrigger.class);
        assertTrue(lastCut > 0, "at least one training trigger");
        // exactly one trigger record per CUT up to the last CUT read (later ones may have committed since)
        assertEquals(
                lastCut,
                triggerRecords.stream()
                        .filter(tr -> tc.decode(tr.value()).getTriggerId() <= lastCut)
                        .count(),
                "one trigger record for every CUT");
        long previousThrough = 0;
        long previousId = 0;
        for (ConsumerRecord<byte[], byte[]> tr : triggerRecords) {
            TrainingTrigger t = tc.decode(tr.value());
            if (t.getTriggerId() > lastCut) {
                break;
            }
            assertEquals(previousId + 1, t.getTriggerId(), "trigger ids are consecutive");
            assertEquals(t.getThroughSeq() - previousThrough, t.getEdgesSincePrevious());
            assertEquals(partitions, t.getEdgesPartitions());
            previousId = t.getTriggerId();
            previousThrough = t.getThroughSeq();
            for (int p = 0; p < partitions; p++) {
                List<GraphChange> part = byPartition.getOrDefault(p, List.of());
                int cutAt = -1;
                for (int k = 0; k < part.size(); k++) {
                    GraphChange g = part.get(k);
                    if (g.getKind() == GraphChangeKind.CUT && g.getTriggerId() == t.getTriggerId()) {
                        assertEquals(-1, cutAt, "one CUT per trigger and partition");
                        cutAt = k;
                        assertEquals(t.getThroughSeq(), g.getSeq());
                    }
                }
                assertTrue(cutAt >= 0, "CUT of trigger " + t.getTriggerId() + " in partition " + p);
                for (int k = 0; k < part.size(); k++) {
                    GraphChange g = part.get(k);
                    if (g.getKind() != GraphChangeKind.CUT) {
                        assertEquals(
                                g.getSeq() <= t.getThroughSeq(),
                                k < cutAt,
                                "edge seq " + g.getSeq() + " vs CUT of trigger " + t.getTriggerId() + " through "
                                        + t.getThroughSeq());
                    }
                }
            }
        }
    }

    /** What the reason of each kind of malformed record the workload makes must say (the field or value at fault). */
    static final Map<ReasonCode, Pattern> READABLE_REASON = Map.of(
            ReasonCode.MISSING_ID, Pattern.compile("^(user_id|item_id) is (missing|empty)$"),
            ReasonCode.ID_TOO_LONG, Pattern.compile("^item_id has 30\\d characters, the limit is \\d+$"),
            ReasonCode.UNKNOWN_EVENT_TYPE, Pattern.compile("^event_type 'teleport\\d+' is not one of view, click"),
            ReasonCode.NON_FINITE_VALUE, Pattern.compile("^value is (NaN|Infinity)$"),
            ReasonCode.FUTURE_EVENT_TIME,
                    Pattern.compile("^event_time \\S+ is more than PT24H ahead of now \\(\\S+\\)$"),
            ReasonCode.BAD_EVENT_TIME,
                    Pattern.compile("^event_time 'soon-\\d+' is neither epoch milliseconds nor an ISO-8601 instant$"),
            ReasonCode.UNDECODABLE, Pattern.compile("^bad InteractionEvent Avro body: \\w+$|JSON"),
            ReasonCode.OVERSIZED, Pattern.compile("^record value is \\d+ bytes, the limit is \\d+$"));

    /** Every malformed record once in the DLQ, with its reason and its original bytes. */
    static void checkDeadLetters(TestWorkload w, List<ConsumerRecord<byte[], byte[]>> records, String sourceTopic) {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
        Map<String, ReasonCode> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            DeadLetter d = codec.decode(r.value());
            byte[] original = new byte[d.getOriginalValue().remaining()];
            d.getOriginalValue().get(original);
            String b64 = Base64.getEncoder().encodeToString(original);
            ReasonCode expected = w.malformed.get(b64);
            assertNotNull(
                    expected,
                    "dead letter for a record that was not malformed: " + d.getReasonCode() + " " + d.getReason());
            assertEquals(expected.name(), d.getReasonCode(), d.getReason());
            assertTrue(
                    READABLE_REASON.get(expected).matcher(d.getReason()).find(),
                    expected + ": the reason says what is wrong, got '" + d.getReason() + "'");
            assertEquals(sourceTopic, d.getSourceTopic());
            assertTrue(d.getSourceOffset() >= 0);
            if (seen.put(b64, expected) != null) {
                fail("dead letter twice: " + d.getReason());
            }
        }
        assertEquals(w.malformed.size(), seen.size(), "every malformed record is dead-lettered");
    }
}
