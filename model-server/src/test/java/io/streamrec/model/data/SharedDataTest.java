package io.streamrec.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The loaders on the real research files, against the sizes PROVENANCE.md states. Skips when
 * ../shared/data is absent (a user's clone has none: the licences forbid redistribution).
 */
class SharedDataTest {
    private static Path shared(String name) {
        Path dir = Path.of(System.getProperty("streamrec.shared.data", "../../shared/data"))
                .resolve(name);
        assumeTrue(Files.isDirectory(dir), "research data not present at " + dir + " (not redistributed); skipping");
        return dir;
    }

    @Test
    void dbbookSplitHasThePublishedSizes() {
        InteractionData d = DatasetLoader.load(shared("dbbook"));
        // Ids are dense over all three files (users 0..5659, items 0..4877); PROVENANCE's
        // 5,450 users are those with training interactions.
        assertEquals(5660, d.numUsers());
        assertEquals(4878, d.numItems());
        assertEquals(
                5450, Arrays.stream(d.train()).filter(items -> items.length > 0).count());
        assertEquals(26533, d.trainInteractions());
        assertEquals(6634, d.validationInteractions());
        assertEquals(33013, d.testInteractions());
    }

    @Test
    void gowallaSplitHasThePublishedSizes() {
        InteractionData d = DatasetLoader.load(shared("gowalla"));
        assertEquals(29858, d.numUsers());
        assertEquals(40981, d.numItems());
        assertEquals(810128, d.trainInteractions());
        assertEquals(217242, d.testInteractions());
    }

    @Test
    void lfm2kInterFileHasThePublishedSizes() {
        InteractionData d = DatasetLoader.load(shared("lfm2k").resolve("lfm2k.inter"));
        assertEquals(1858, d.numUsers());
        assertEquals(1425, d.numItems());
        assertEquals(56345, d.trainInteractions() + d.validationInteractions() + d.testInteractions());
    }
}
