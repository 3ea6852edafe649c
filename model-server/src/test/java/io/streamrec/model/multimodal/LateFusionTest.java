package io.streamrec.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LateFusionTest {
    private static final int D = 4;
    private static final int USERS = 1;
    private NDManager manager;
    private ModalityVectors text;
    private ModalityVectors audio;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        text = new ModalityVectors("text", 3, 4);
        audio = new ModalityVectors("audio", 2, 4);
        text.set(0, new float[] {1, 0, 0});
        audio.set(0, new float[] {0, 1});
        text.set(1, new float[] {0, 0, 2});
        // item 2 has no modality at all; item 3 has text only and (below) no interactions
        text.set(3, new float[] {0, 3, 1});
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private LateFusion attached(LateFusion.Variant v, boolean item3Cold) {
        LateFusion f = new LateFusion(v, List.of(text, audio), D, 7);
        f.contentOnlyFor(new boolean[] {false, false, false, item3Cold});
        f.attach(manager);
        return f;
    }

    private static float[] table(float scale) {
        float[] t = new float[(USERS + 4) * D];
        for (int k = 0; k < t.length; k++) {
            t[k] = scale * (k % 7 - 3 + 0.5f);
        }
        return t;
    }

    private static float[] fused(LateFusion f, float[] t) {
        float[] c = t.clone();
        f.fuseItems(c, USERS);
        return c;
    }

    private static float row(float[] t, int item, int c) {
        return t[(USERS + item) * D + c];
    }

    @Test
    void meanVariantsAreAffineInTheCollaborativeEmbeddingWithTheStudysWeights() {
        for (LateFusion.Variant v : List.of(
                LateFusion.Variant.FROZEN,
                LateFusion.Variant.LEARNED,
                LateFusion.Variant.UNFROZEN,
                LateFusion.Variant.EQUAL)) {
            LateFusion f = attached(v, false);
            float[] t = table(1);
            float[] zero = fused(f, new float[t.length]);
            float[] out = fused(f, t);
            for (int c = 0; c < D; c++) {
                assertEquals(t[c], out[c], 0, "users are not fused");
                float s0 = v == LateFusion.Variant.EQUAL ? 0.5f : 1f / 3; // item 0: two modalities
                float s1 = v == LateFusion.Variant.EQUAL ? 0.5f : 1f / 2; // item 1: text only
                assertEquals(zero[(USERS) * D + c] + s0 * row(t, 0, c), row(out, 0, c), 1e-5, v + " item 0");
                assertEquals(zero[(USERS + 1) * D + c] + s1 * row(t, 1, c), row(out, 1, c), 1e-5, v + " item 1");
                assertEquals(row(t, 2, c), row(out, 2, c), 0, v + ": an item without modalities keeps its embedding");
            }
            f.detach();
        }
        // same projection: equal's content part is frozen's × (n+1)/(2n)
        LateFusion frozen = attached(LateFusion.Variant.FROZEN, false);
        float[] fz = fused(frozen, new float[table(1).length]);
        frozen.detach();
        LateFusion equal = attached(LateFusion.Variant.EQUAL, false);
        float[] eq = fused(equal, new float[table(1).length]);
        for (int c = 0; c < D; c++) {
            assertEquals(row(fz, 0, c) * 3 / 4, row(eq, 0, c), 1e-5);
        }
    }

    @Test
    void itemsWithoutInteractionsTakeTheirContentAlone() {
        LateFusion f = attached(LateFusion.Variant.CONVEX, true);
        float[] a = fused(f, table(1));
        float[] b = fused(f, table(5));
        for (int c = 0; c < D; c++) {
            assertEquals(row(a, 3, c), row(b, 3, c), 1e-6, "the cold item does not depend on its untrained row");
        }
        // its content is the projected text: the same as frozen's constant part × (n+1)/n = × 2
        LateFusion frozen = new LateFusion(LateFusion.Variant.FROZEN, List.of(text, audio), D, 7);
        frozen.attach(manager);
        float[] z = fused(frozen, new float[a.length]);
        for (int c = 0; c < D; c++) {
            assertEquals(row(z, 3, c) * 2, row(a, 3, c), 1e-5);
        }
    }

    @Test
    void normalizedIgnoresTheScaleOfTheCollaborativeEmbedding() {
        LateFusion f = attached(LateFusion.Variant.NORMALIZED, false);
        float[] a = fused(f, table(1));
        float[] b = fused(f, table(10));
        for (int i = 0; i < 2; i++) {
            double norm = 0;
            for (int c = 0; c < D; c++) {
                assertEquals(row(a, i, c), row(b, i, c), 1e-5);
                norm += row(a, i, c) * row(a, i, c);
            }
            assertTrue(Math.sqrt(norm) <= 1 + 1e-5, "a mean of unit vectors: " + Math.sqrt(norm));
        }
    }

    @Test
    void alphaVariantsStartAtTheirInitialAlpha() {
        LateFusion f = new LateFusion(LateFusion.Variant.CONVEX, List.of(text, audio), D, 7);
        f.setAlphaInit(0.9);
        f.contentOnlyFor(new boolean[4]);
        f.attach(manager);
        assertEquals(0.9f, f.alpha(), 1e-6);
        float[] t = table(1);
        float[] zero = fused(f, new float[t.length]);
        float[] out = fused(f, t);
        for (int c = 0; c < D; c++) {
            assertEquals(row(zero, 0, c) + 0.9f * row(t, 0, c), row(out, 0, c), 1e-5, "convex: α e + (1 − α) content");
        }
        assertEquals(Set.of("fusion.alpha"), f.parameters().keySet());
        f.detach();
        assertEquals(0.9f, f.alpha(), 1e-6, "α survives detaching");
        assertThrows(
                IllegalArgumentException.class,
                () -> new LateFusion(LateFusion.Variant.ALPHA, List.of(text), D, 7).setAlphaInit(1));
    }

    @Test
    void eachVariantLearnsWhatItShould() {
        assertEquals(
                Set.of("fusion.W.text", "fusion.W.audio"),
                attached(LateFusion.Variant.LEARNED, false).parameters().keySet());
        assertEquals(
                Set.of("fusion.P.text", "fusion.P.audio"),
                attached(LateFusion.Variant.UNFROZEN, false).parameters().keySet());
        assertTrue(attached(LateFusion.Variant.FROZEN, false).parameters().isEmpty());
        assertNull(attached(LateFusion.Variant.FROZEN, false).earlyContent());
    }

    @Test
    void earlyFusionAddsContentBeforePropagationAndNothingAfter() {
        LateFusion f = attached(LateFusion.Variant.EARLY, false);
        float[] t = table(1);
        assertArrayEquals(t, fused(f, t), 0f, "no late mixing");
        float[] content = f.earlyContent();
        assertNotNull(content);
        LateFusion frozen = attached(LateFusion.Variant.FROZEN, false);
        float[] z = fused(frozen, new float[t.length]);
        for (int c = 0; c < D; c++) {
            assertEquals(row(z, 0, c) * 3 / 2, content[c], 1e-5, "C_i = S_i / n_i");
            assertEquals(0f, content[2 * D + c], 0f, "nothing for an item without content");
        }
    }

    @Test
    void unknownVariantsAreNamed() {
        assertEquals(LateFusion.Variant.FROZEN, LateFusion.parse("Frozen"));
        assertEquals(LateFusion.Variant.NORMALIZED, LateFusion.parse("normalized"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LateFusion.parse("late"));
        assertTrue(e.getMessage().contains("learned"), e.getMessage());
    }
}
