package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay tool's readers: time order for u.data, file order for adjacency lists, errors that say where. */
class ReplayCommandTest {
    @Test
    void movieLensIsReplayedInTimeOrderWithTiesInFileOrder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("u.data");
        Files.writeString(
                f,
                "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n244\t51\t2\t880606923\n"
                        + "166\t346\t1\t886397596\n7\t8\t5\t878887116\n");
        List<ReplayCommand.Event> events = ReplayCommand.read(f, ReplayCommand.Format.auto);
        assertEquals(
                List.of("22>377", "7>8", "244>51", "196>242", "166>346", "186>302"),
                events.stream().map(e -> e.user() + ">" + e.item()).toList());
        assertEquals(878887116_000L, events.get(0).timeMs());
        assertEquals(1.0, events.get(0).rating());
    }

    @Test
    void adjacencyListsExpandToOneEventPerItem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("train.txt");
        Files.writeString(f, "0 10 11 12\n1 10\n\n2\n");
        List<ReplayCommand.Event> events = ReplayCommand.read(f, ReplayCommand.Format.auto);
        assertEquals(
                List.of("0>10", "0>11", "0>12", "1>10"),
                events.stream().map(e -> e.user() + ">" + e.item()).toList());
        assertTrue(Double.isNaN(events.get(0).rating()), "no rating: a view");
    }

    @Test
    void badLinesNameFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("u.data");
        Files.writeString(f, "196\t242\t3\t881250949\n186\t302\tthree\t891717742\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ReplayCommand.read(f, ReplayCommand.Format.ml100k));
        assertTrue(e.getMessage().contains("u.data:2"), e.getMessage());
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> ReplayCommand.read(dir.resolve("nope"), ReplayCommand.Format.auto));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }
}
