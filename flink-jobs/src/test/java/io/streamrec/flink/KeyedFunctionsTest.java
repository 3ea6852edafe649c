package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.flink.changelog.ChangelogEntry;
import io.streamrec.flink.changelog.ChangelogSequencer;
import io.streamrec.flink.changelog.TriggerInfo;
import io.streamrec.flink.graph.EdgeChange;
import io.streamrec.flink.graph.ItemDegreeFunction;
import io.streamrec.flink.graph.UserAdjacencyFunction;
import io.streamrec.flink.ingest.Interaction;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The keyed functions and the sequencer in Flink's operator test harnesses. */
@SuppressWarnings("try") // harness close() declares InterruptedException
class KeyedFunctionsTest {
    private static KeyedOneInputStreamOperatorTestHarness<String, Interaction, EdgeChange> adjacencyHarness(
            boolean rocksdb) throws Exception {
        var fresh = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserAdjacencyFunction(Duration.ZERO)),
                (Interaction i) -> i.user,
                Types.STRING);
        fresh.setStateBackend(rocksdb ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
        fresh.open();
        return fresh;
    }

    private static List<String> changes(List<EdgeChange> out) {
        return out.stream()
                .map(c -> (c.added ? "+" : "-") + c.user + ">" + c.item + ":" + c.weight)
                .collect(Collectors.toList());
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {true, false})
    void adjacencyEmitsOnlyRealChanges(boolean rocksdb) throws Exception {
        try (var h = adjacencyHarness(rocksdb)) {
            h.processElement(new Interaction("u1", "a", false, 1f, 10), 10);
            h.processElement(new Interaction("u1", "a", false, 2f, 5), 11); // repeat: weight only
            h.processElement(new Interaction("u1", "b", false, 1f, 12), 12);
            h.processElement(new Interaction("u2", "a", false, 4f, 13), 13); // another user, same item
            h.processElement(new Interaction("u1", "c", true, 0f, 14), 14); // remove of an absent edge: nothing
            h.processElement(new Interaction("u1", "a", true, 0f, 15), 15); // remove: carries the accumulated weight
            h.processElement(new Interaction("u1", "a", false, 1f, 16), 16); // re-added: a new edge
            assertEquals(
                    List.of("+u1>a:1.0", "+u1>b:1.0", "+u2>a:4.0", "-u1>a:3.0", "+u1>a:1.0"),
                    changes(h.extractOutputValues()));
        }
    }

    @Test
    void adjacencySurvivesSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = adjacencyHarness(true)) {
            h.processElement(new Interaction("u1", "a", false, 1f, 10), 10);
            snapshot = h.snapshot(1, 20);
            h.processElement(new Interaction("u1", "b", false, 1f, 11), 11); // after the checkpoint: replayed below
        }
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserAdjacencyFunction(Duration.ZERO)),
                (Interaction i) -> i.user,
                Types.STRING);
        restored.setStateBackend(new EmbeddedRocksDBStateBackend());
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(new Interaction("u1", "a", false, 1f, 12), 12); // known from the checkpoint: repeat
        restored.processElement(new Interaction("u1", "b", false, 1f, 11), 13); // replayed: new again
        assertEquals(List.of("+u1>b:1.0"), changes(restored.extractOutputValues()));
        restored.close();
    }

    @Test
    void inactiveUsersExpireWithTtl() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserAdjacencyFunction(Duration.ofSeconds(10))),
                (Interaction i) -> i.user,
                Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.setStateTtlProcessingTime(0);
        h.open();
        h.processElement(new Interaction("u1", "a", false, 1f, 1), 1);
        h.setStateTtlProcessingTime(5_000);
        h.processElement(new Interaction("u1", "a", false, 1f, 2), 2); // within the TTL: a repeat
        h.setStateTtlProcessingTime(16_000);
        h.processElement(
                new Interaction("u1", "a", false, 1f, 3), 3); // 11 s after the last write: forgotten, new again
        assertEquals(List.of("+u1>a:1.0", "+u1>a:1.0"), changes(h.extractOutputValues()));
        h.close();
    }

    @Test
    void itemDegreeCountsUsers() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ItemDegreeFunction(), (EdgeChange c) -> c.item, Types.STRING)) {
            h.processElement(new EdgeChange("u1", "a", true, 1f, 1), 1);
            h.processElement(new EdgeChange("u2", "a", true, 1f, 2), 2);
            h.processElement(new EdgeChange("u3", "b", true, 1f, 3), 3);
            h.processElement(new EdgeChange("u1", "a", false, 1f, 4), 4);
            assertEquals(
                    List.of(1, 2, 1, 1),
                    h.extractOutputValues().stream().map(c -> c.itemDegree).toList());
        }
    }

    private static OneInputStreamOperatorTestHarness<EdgeChange, ChangelogEntry> sequencer(long edges, long intervalMs)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ChangelogSequencer(3, edges, intervalMs));
    }

    @Test
    void sequencerNumbersEdgesAndCutsEveryPartition() throws Exception {
        try (var h = sequencer(2, 60_000)) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement(new StreamRecord<>(new EdgeChange("u" + i, "a", true, 1f, i)));
            }
            List<ChangelogEntry> out = h.extractOutputValues();
            // 5 edges, 2 triggers (after seq 2 and 4), each with one CUT per partition
            assertEquals(5 + 2 * 3, out.size());
            assertEquals(
                    List.of(1L, 2L), out.subList(0, 2).stream().map(e -> e.seq).toList());
            for (int p = 0; p < 3; p++) {
                ChangelogEntry cut = out.get(2 + p);
                assertEquals(ChangelogEntry.CUT, cut.kind);
                assertEquals(2L, cut.seq);
                assertEquals(1L, cut.triggerId);
                assertEquals(p, cut.partition);
            }
            for (ChangelogEntry e : out) {
                if (e.kind != ChangelogEntry.CUT) {
                    assertEquals(ChangelogSequencer.partitionOf(e.user, 3), e.partition);
                }
            }
            var triggers = h.getSideOutput(ChangelogSequencer.TRIGGERS);
            assertEquals(2, triggers.size());
            assertEquals(4L, triggers.stream().reduce((a, b) -> b).orElseThrow().getValue().throughSeq);
        }
    }

    @Test
    void sequencerTriggersOnIntervalOnlyWithNewEdges() throws Exception {
        try (var h = sequencer(1_000, 5_000)) {
            h.setProcessingTime(0);
            h.open();
            h.setProcessingTime(6_000);
            assertEquals(null, h.getSideOutput(ChangelogSequencer.TRIGGERS), "no trigger without edges");
            h.processElement(new StreamRecord<>(new EdgeChange("u", "a", true, 1f, 1)));
            h.setProcessingTime(12_000);
            var triggers = h.getSideOutput(ChangelogSequencer.TRIGGERS);
            assertEquals(1, triggers.size());
            TriggerInfo t = triggers.peek().getValue();
            assertEquals(1L, t.throughSeq);
            assertTrue(!t.byCount);
        }
    }

    @Test
    void sequencerContinuesItsNumberingAfterRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = sequencer(10, 60_000)) {
            h.open();
            h.processElement(new StreamRecord<>(new EdgeChange("u", "a", true, 1f, 1)));
            h.processElement(new StreamRecord<>(new EdgeChange("u", "b", true, 1f, 2)));
            snapshot = h.snapshot(1, 10);
            h.processElement(new StreamRecord<>(new EdgeChange("u", "c", true, 1f, 3))); // lost with the failure
        }
        try (var h = sequencer(10, 60_000)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(new EdgeChange("u", "c", true, 1f, 3)));
            assertEquals(
                    List.of(3L),
                    h.extractOutputValues().stream().map(e -> e.seq).toList());
        }
    }
}
