package io.streamrec.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamrec.model.data.DatasetFormatException;
import io.streamrec.model.data.NpyMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModalityVectorsTest {
    @TempDir
    Path dir;

    @Test
    void loadsNormalisesAndTreatsZeroRowsAsMissing() throws Exception {
        Path f = dir.resolve("audio.npy");
        NpyMatrix.write(f, new float[][] {{3, 4}, null, {0, 2}}, 2);
        ModalityVectors v = ModalityVectors.fromNpy("audio", f, 3);
        assertEquals(2, v.dim());
        assertEquals(2, v.present());
        assertEquals(0.6f, v.get(0)[0], 1e-6);
        assertEquals(0.8f, v.get(0)[1], 1e-6);
        assertNull(v.get(1), "an all-zero row means: no vector");
        assertEquals(1f, v.get(2)[1], 1e-6);
    }

    @Test
    void badVectorsNameTheItemAndModality() throws Exception {
        Path nan = dir.resolve("image.npy");
        NpyMatrix.write(nan, new float[][] {{1, 0}, {Float.NaN, 1}}, 2);
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> ModalityVectors.fromNpy("image", nan, 2));
        assertTrue(
                e.getMessage().contains("item 1, modality image")
                        && e.getMessage().contains("NaN"),
                e.getMessage());

        Path rows = dir.resolve("video.npy");
        NpyMatrix.write(rows, new float[][] {{1, 0}}, 2);
        assertTrue(assertThrows(DatasetFormatException.class, () -> ModalityVectors.fromNpy("video", rows, 5))
                .getMessage()
                .contains("modality video has 1 rows, the dataset has 5 items"));

        ModalityVectors v = new ModalityVectors("text", 3, 4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> v.set(2, new float[] {1, 2}))
                .getMessage()
                .contains("item 2, modality text: dimension 2, expected 3"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> v.set(0, new float[] {1, Float.POSITIVE_INFINITY, 0}))
                .getMessage()
                .contains("not finite"));
        assertThrows(IllegalArgumentException.class, () -> new ModalityVectors("Bad Name", 3, 4));
    }

    @Test
    void readsTheResearchAudioVectors() throws Exception {
        Path whisper = Path.of(System.getProperty("streamrec.shared.data", "../../shared/data"), "lfm2k", "vggish.npy");
        assumeTrue(Files.exists(whisper), "skipped: " + whisper + " (shared research data) is absent");
        ModalityVectors v = ModalityVectors.fromNpy("vggish", whisper, 1425); // float64 on disk
        assertEquals(128, v.dim());
        assertTrue(v.present() > 1_000, v.toString());
    }
}
