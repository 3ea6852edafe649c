package io.streamrec.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    @Test
    void readsAdjacencyListsWithValidation() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "0 1 2\n1 3\n\n3 0 0 4\n");
        Files.writeString(dir.resolve("validation.txt"), "0 4\n");
        Files.writeString(dir.resolve("test.txt"), "0 3\n1\t2 4\n");
        InteractionData d = DatasetLoader.load(dir);
        assertEquals(4, d.numUsers());
        assertEquals(5, d.numItems());
        assertArrayEquals(new int[] {1, 2}, d.train()[0]);
        assertArrayEquals(new int[0], d.train()[2], "user 2 has no line");
        assertArrayEquals(new int[] {0, 4}, d.train()[3], "duplicates within a line collapse");
        assertArrayEquals(new int[] {1, 2, 4}, d.seen(0), "seen = train + validation");
        assertArrayEquals(new int[] {2, 4}, d.test()[1], "tabs separate too");
        assertEquals(5, d.trainInteractions());
    }

    @Test
    void malformedAdjacencyListNamesFileLineAndReason() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "0 1 2\n1 x3\n");
        Files.writeString(dir.resolve("test.txt"), "0 3\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(dir));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("train.txt:2"), e.getMessage());
        assertTrue(e.getMessage().contains("item id 'x3' is not a non-negative integer"), e.getMessage());
    }

    @Test
    void rejectsNegativeIdsAndRepeatedUsers() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "0 1\n1 -2\n");
        Files.writeString(dir.resolve("test.txt"), "0 3\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(dir))
                .getMessage()
                .contains("train.txt:2"));
        Files.writeString(dir.resolve("train.txt"), "0 1\n1 2\n0 3\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(dir));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("user 0 appears on more than one line"), e.getMessage());
    }

    @Test
    void missingTestFileIsNamed() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "0 1\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(dir));
        assertTrue(e.getMessage().contains("test.txt"), e.getMessage());
    }

    @Test
    void readsInterFile() throws IOException {
        Path f = dir.resolve("tiny.inter");
        Files.writeString(f, "userID\titemID\trating\tx_label\n0\t0\t1\t0\n0\t1\t1\t1\n0\t2\t1\t2\n1\t2\t1\t0\n");
        InteractionData d = DatasetLoader.load(dir);
        assertEquals("tiny", d.name());
        assertEquals(2, d.numUsers());
        assertEquals(3, d.numItems());
        assertArrayEquals(new int[] {0}, d.train()[0]);
        assertArrayEquals(new int[] {1}, d.validation()[0]);
        assertArrayEquals(new int[] {2}, d.test()[0]);
        assertArrayEquals(new int[] {2}, d.train()[1]);
    }

    @Test
    void badInterLabelAndHeaderAreReported() throws IOException {
        Path f = dir.resolve("bad.inter");
        Files.writeString(f, "userID\titemID\trating\tx_label\n0\t0\t1\t0\n0\t1\t1\t7\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(f));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("x_label must be 0"), e.getMessage());
        Files.writeString(f, "user\trating\n0\t1\n");
        e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(f));
        assertEquals(1, e.line());
        Files.writeString(f, "userID\titemID\tx_label\n0\t1\n");
        e = assertThrows(DatasetFormatException.class, () -> DatasetLoader.load(f));
        assertTrue(e.getMessage().contains("bad.inter:2: expected at least 3 tab-separated columns"), e.getMessage());
    }

    @Test
    void syntheticDatasetRoundTripsThroughFiles() {
        InteractionData d = SyntheticInteractions.generate(50, 40, 4, 8, 3);
        SyntheticInteractions.writeAdjacencyLists(d, dir.resolve("syn"));
        InteractionData back = DatasetLoader.load(dir.resolve("syn"));
        assertEquals(d.trainInteractions(), back.trainInteractions());
        assertEquals(d.testInteractions(), back.testInteractions());
        for (int u = 0; u < back.numUsers(); u++) {
            assertArrayEquals(d.train()[u], back.train()[u]);
        }
    }
}
