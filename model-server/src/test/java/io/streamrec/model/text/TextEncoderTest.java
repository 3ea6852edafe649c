package io.streamrec.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamrec.model.data.NpyMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextEncoderTest {
    private static TextEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = TextEncoder.open(Path.of(System.getProperty("java.io.tmpdir"), "models"), 16);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            na += (double) a[d] * a[d];
            nb += (double) b[d] * b[d];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void unitVectorsEmptyTextsAndTruncation() {
        String longText = "rock ".repeat(600);
        float[][] v = encoder.encode(Arrays.asList("gothic metal", "", "   ", null, longText, "jazz, smooth jazz"));
        assertEquals(TextEncoder.DIM, v[0].length);
        assertNull(v[1], "empty text: no text embedding");
        assertNull(v[2], "blank text: no text embedding");
        assertNull(v[3]);
        assertEquals(1.0, Math.sqrt(cosine(v[0], v[0]) * 0 + dot(v[0], v[0])), 1e-5);
        assertTrue(encoder.truncated() >= 1, "the 600-word text was truncated");
        assertTrue(cosine(v[0], v[5]) < 0.9, "different texts, different vectors");
        // padding to the batch's longest text must not change a text's vector
        float[] alone = encoder.encode(List.of("gothic metal"))[0];
        assertEquals(1.0, cosine(alone, v[0]), 1e-5);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += (double) a[d] * b[d];
        }
        return s;
    }

    /** RESEARCH data parity: the sentence-transformers vectors of lfm2k's tag texts. */
    @Test
    void reproducesTheLfm2kMiniLmVectors() throws Exception {
        Path dir = Path.of(System.getProperty("streamrec.shared.data", "../../shared/data"))
                .resolve("lfm2k");
        assumeTrue(
                Files.exists(dir.resolve("all-MiniLM-L6-v2.npy")),
                "skipped: " + dir + " (shared research data, not redistributed) is absent");
        NpyMatrix expected = NpyMatrix.read(dir.resolve("all-MiniLM-L6-v2.npy"));
        Map<String, String> textByArtist = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("lfm2k_text.tsv"))
                .subList(1, Files.readAllLines(dir.resolve("lfm2k_text.tsv")).size())) {
            int tab = line.indexOf('\t');
            textByArtist.put(line.substring(0, tab), line.substring(tab + 1));
        }
        List<String> texts = new ArrayList<>();
        for (String line :
                Files.readAllLines(dir.resolve("item_index_to_artist.tsv")).subList(1, expected.rows() + 1)) {
            String[] f = line.split("\t");
            assertEquals(texts.size(), Integer.parseInt(f[0]));
            texts.add(textByArtist.getOrDefault(f[1], ""));
        }
        long t0 = System.nanoTime();
        float[][] actual = encoder.encode(texts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double worst = 1;
        int worstItem = -1;
        for (int r = 0; r < expected.rows(); r++) {
            double c = cosine(actual[r], expected.row(r));
            if (c < worst) {
                worst = c;
                worstItem = r;
            }
        }
        System.out.printf(
                "lfm2k MiniLM parity: %d items, worst cosine %.7f (item %d), %.0f texts/s%n",
                expected.rows(), worst, worstItem, expected.rows() / seconds);
        assertTrue(worst >= 0.9999, "item " + worstItem + " cosine " + worst);
    }
}
