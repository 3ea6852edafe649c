package io.streamrec.serving;

/**
 * The deterministic sample of events whose exact rank is computed: an event is in it when a hash
 * of (user, item, event time) falls below the rate, so a replay or a restart ranks the same events.
 * With rate {@code auto}, {@code min(1, budget / catalog size)}: the exact scan then costs about
 * {@code budget} dot products per event on average, whatever the catalog.
 */
public final class RankSample {
    public static final int DEFAULT_BUDGET = 2000;
    private final double rate;
    private final int budget;

    /** @param rate a fixed share in (0, 1], or NaN for automatic with {@code budget} */
    public RankSample(double rate, int budget) {
        if (!Double.isNaN(rate) && !(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("rank sample rate must be in (0, 1] or auto, got " + rate);
        }
        if (budget < 1) {
            throw new IllegalArgumentException("rank budget must be at least 1 item per event, got " + budget);
        }
        this.rate = rate;
        this.budget = budget;
    }

    public static RankSample all() {
        return new RankSample(1.0, DEFAULT_BUDGET);
    }

    /** The share of events ranked for a catalog of {@code items}. */
    public double rate(int items) {
        return Double.isNaN(rate) ? Math.min(1.0, (double) budget / Math.max(1, items)) : rate;
    }

    public boolean selected(String user, String item, long time, int items) {
        double r = rate(items);
        if (r >= 1) {
            return true;
        }
        return unit(user, item, time, 0) < r;
    }

    /**
     * The random baseline's rank of an event's item: uniform on 1..{@code candidates}, drawn from the
     * event (independent of the sample's draw), so a replay gives the same ranks; 0 when there are no
     * candidates. A random order of the candidates puts the target at such a rank.
     */
    public static int randomRank(String user, String item, long time, int candidates) {
        return candidates < 1 ? 0 : 1 + (int) (unit(user, item, time, 0x632BE59BD9B4E019L) * candidates);
    }

    /** A number in [0, 1) from a hash of (user, item, event time); with a salt, hashed once more with it. */
    private static double unit(String user, String item, long time, long salt) {
        long h = ItemKeys.of(user) * 31 + ItemKeys.of(item);
        h ^= time * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 32;
        if (salt != 0) { // MurmurHash3's fmix64 of (h ^ salt): independent of the unsalted draw
            h ^= salt;
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
        }
        return (h >>> 11) * 0x1.0p-53;
    }
}
