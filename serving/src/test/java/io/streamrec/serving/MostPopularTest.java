package io.streamrec.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The most-popular baseline against a brute-force recount of the decayed weights. */
class MostPopularTest {
    private static final long HALF_LIFE = 60_000;

    @Test
    void ranksAsABruteForceRecountOfTheDecayedCounts() {
        MostPopular p = new MostPopular(HALF_LIFE, 50, 1_000);
        Map<Long, List<Long>> events = new HashMap<>();
        SplittableRandom r = new SplittableRandom(3);
        UserState u = new UserState();
        for (long k = 1; k <= 40; k += 3) {
            u.added(k, null);
        }
        long t = 1_700_000_000_000L;
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            t += r.nextInt(50);
            long key = 1 + (long) Math.min(299, Math.abs(r.nextGaussian()) * 60); // a skewed catalog of 300 items
            if (i % 499 == 0) {
                int expected = bruteRank(events, t, key, u, 50);
                assertEquals(expected, p.rank(u, key), "event " + i + ", item " + key);
                checked += expected > 0 ? 1 : 0;
            }
            p.observe(key, t);
            events.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        assertTrue(checked > 10, "listed items were among those checked: " + checked);
    }

    /** 1-based rank of key among the listSize heaviest by a recount at time now, seen items skipped; 0 beyond them. */
    private static int bruteRank(Map<Long, List<Long>> events, long now, long key, UserState u, int listSize) {
        List<Long> order = new ArrayList<>(events.keySet());
        Map<Long, Double> w = new HashMap<>();
        for (long k : order) {
            double s = 0;
            for (long e : events.get(k)) {
                s += Math.pow(2, (e - now) / (double) HALF_LIFE);
            }
            w.put(k, s);
        }
        order.sort(Comparator.<Long>comparingDouble(k -> -w.get(k)).thenComparingLong(k -> k));
        List<Long> listed = order.subList(0, Math.min(listSize, order.size()));
        int at = listed.indexOf(key);
        if (at < 0) {
            return 0;
        }
        int rank = 1;
        for (int i = 0; i < at; i++) {
            if (!u.hasSeen(listed.get(i))) {
                rank++;
            }
        }
        return rank;
    }

    @Test
    void memoryIsBoundedAndListedItemsSurviveThePruning() {
        MostPopular p = new MostPopular(HALF_LIFE, 10, 100);
        for (int i = 0; i < 50; i++) {
            for (long hot = 1; hot <= 10; hot++) {
                p.observe(hot, i);
            }
        }
        for (long cold = 1_000; cold < 11_000; cold++) { // 10,000 items seen once each
            p.observe(cold, 100);
        }
        assertTrue(p.tracked() <= 100, "tracked " + p.tracked());
        assertArrayEquals(
                new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, p.top(), "the heavy items stay listed, ties by key");
    }

    @Test
    void aSnapshotRestoresTheSameOrderAndWeights() {
        MostPopular p = new MostPopular(HALF_LIFE);
        SplittableRandom r = new SplittableRandom(8);
        long t = 5_000_000;
        for (int i = 0; i < 5_000; i++) {
            t += r.nextInt(1000);
            p.observe(1 + r.nextInt(500), t);
        }
        MostPopular q = new MostPopular(HALF_LIFE);
        q.restore(p.snapshot());
        assertArrayEquals(p.top(), q.top());
        for (long k = 1; k <= 500; k++) {
            assertEquals(p.weight(k, t), q.weight(k, t), 1e-9 * Math.max(1, p.weight(k, t)), "item " + k);
        }
        // the restored one keeps counting on the same scale
        p.observe(7, t + 10);
        q.observe(7, t + 10);
        assertEquals(p.weight(7, t + 10), q.weight(7, t + 10), 1e-9 * p.weight(7, t + 10));
    }

    @Test
    void weightsSurviveARescaleOfTheForwardDecay() {
        MostPopular p = new MostPopular(1); // a 1 ms half-life: 2^512 is passed after 512 ms
        p.observe(1, 0);
        p.observe(2, 0);
        p.observe(2, 0);
        p.observe(3, 600); // rescales
        p.observe(3, 1_200); // and again
        assertEquals(1.0 + Math.pow(2, -600), p.weight(3, 1_200), 1e-12);
        assertArrayEquals(new long[] {3, 2, 1}, p.top());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MostPopular(0));
        assertThrows(IllegalArgumentException.class, () -> new MostPopular(1000, 200, 100));
    }
}
