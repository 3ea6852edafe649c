package io.streamrec.model.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A reader that applies versions as serving does (a full version replaces everything; a delta
 * overwrites what it carries and drops what it withdraws) ends each version within the tolerance of
 * the version's true vectors, and exactly on them after a full version.
 */
class PublishedVectorsTest {
    private static final int D = 8;

    @Test
    void deltaAndFullVersionsReadBack() {
        Random r = new Random(2);
        PublishedVectors pub = new PublishedVectors(D);
        Map<String, float[]> readerUsers = new HashMap<>();
        Map<String, float[]> readerItems = new HashMap<>();
        int users = 50;
        int items = 30;
        float[] u = random(users, r);
        float[] it = random(items, r);
        double tol = 0.05;
        long totalPublished = 0;
        for (long number = 1; number <= 12; number++) {
            // some entities move a lot, most a little; a few new ones arrive; item i3 is withdrawn from version 5 on
            for (int k = 0; k < u.length; k++) {
                u[k] += (float) ((k / D) % 10 == number % 10 ? 0.5 * r.nextGaussian() : 0.001 * r.nextGaussian());
            }
            users += 5;
            items += 2;
            u = grow(u, users, r);
            it = grow(it, items, r);
            for (int k = 0; k < it.length; k += 3 * D) {
                it[k] += 0.8f;
            }
            Set<String> withdrawn = number >= 5 ? Set.of("i3") : Set.of();
            ModelVersion v = version(number, u, users, it, items);
            PublishedVectors.Plan p = pub.plan(v, number, withdrawn, number == 7, 4, tol);
            assertEquals(
                    number == 1 || number == 5 || number == 7 || number == 11,
                    p.full(),
                    "full: the first, the 4th after a full one, and on request (version 7 asked; 11 is 4 after it)");
            if (p.full()) {
                readerUsers.clear();
                readerItems.clear();
            } else {
                assertEquals(number - 1, p.baseVersion());
                p.removed().forEach(readerItems::remove);
            }
            for (int k : p.userRows()) {
                readerUsers.put(v.userIds().get(k), v.row(v.userVectors(), k));
            }
            for (int k : p.itemRows()) {
                readerItems.put(v.itemIds().get(k), v.row(v.itemVectors(), k));
            }
            pub.applied(p, v);
            totalPublished += p.userRows().length;
            assertEquals(users, readerUsers.size(), "every user has a vector");
            assertEquals(
                    items - (withdrawn.isEmpty() ? 0 : 1),
                    readerItems.size(),
                    "every live item has a vector, withdrawn ones none");
            for (int k = 0; k < users; k++) {
                float[] want = v.row(v.userVectors(), k);
                float[] got = readerUsers.get(v.userIds().get(k));
                if (p.full()) {
                    assertArrayEquals(want, got, "a full version reads back exactly");
                } else {
                    assertTrue(
                            dist(want, got) <= tol * norm(got) + 1e-6,
                            "user " + k + " of version " + number + " within the tolerance");
                }
            }
        }
        assertTrue(totalPublished < 12 * 80, "deltas publish fewer users than full versions would: " + totalPublished);
    }

    @Test
    void aWithdrawnItemIsRemovedOnceAndComesBackAsNew() {
        PublishedVectors pub = new PublishedVectors(D);
        Random r = new Random(4);
        float[] u = random(3, r);
        float[] it = random(4, r);
        ModelVersion v1 = version(1, u, 3, it, 4);
        PublishedVectors.Plan p1 = pub.plan(v1, 1, Set.of(), false, 100, 0.01);
        pub.applied(p1, v1);
        PublishedVectors.Plan p2 = pub.plan(v1, 2, Set.of("i1"), false, 100, 0.01);
        assertEquals(List.of("i1"), p2.removed());
        assertEquals(0, p2.itemRows().length, "nothing moved");
        pub.applied(p2, v1);
        assertEquals(List.of(), pub.plan(v1, 3, Set.of("i1"), false, 100, 0.01).removed(), "withdrawn once");
        PublishedVectors.Plan p3 = pub.plan(v1, 3, Set.of(), false, 100, 0.01);
        assertArrayEquals(new int[] {1}, p3.itemRows(), "back in the catalog: published again");
    }

    private static ModelVersion version(long number, float[] u, int users, float[] it, int items) {
        List<String> uid = new ArrayList<>();
        for (int k = 0; k < users; k++) {
            uid.add("u" + k);
        }
        List<String> iid = new ArrayList<>();
        for (int k = 0; k < items; k++) {
            iid.add("i" + k);
        }
        return new ModelVersion(number, number, D, uid, u.clone(), iid, it.clone(), Map.of());
    }

    private static float[] random(int rows, Random r) {
        float[] v = new float[rows * D];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) r.nextGaussian();
        }
        return v;
    }

    private static float[] grow(float[] v, int rows, Random r) {
        float[] g = Arrays.copyOf(v, rows * D);
        for (int k = v.length; k < g.length; k++) {
            g[k] = (float) r.nextGaussian();
        }
        return g;
    }

    private static double dist(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(s);
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
