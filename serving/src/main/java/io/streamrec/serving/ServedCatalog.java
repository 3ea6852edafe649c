package io.streamrec.serving;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served item tables, held once per JVM (per TaskManager) and shared by every serving task in
 * it: the version being read, and the two newest committed versions. A committed version goes live
 * once its table (and, at or above {@code annMinItems} items, its HNSW index) is built; the index is
 * built on a background thread, so serving never stalls. A version whose items are mostly the
 * previous version's goes live at once on the previous version's graph walked with its own vectors
 * ({@link AnnIndex#reuse}; its new items scanned exactly), and its own graph replaces that when
 * built (the previous graph extended by the new items, {@link AnnIndex#extend}, or built afresh when
 * that cannot be or misses the recall target); otherwise serving keeps the previous version until the new index is built. Every index's
 * search beam is calibrated for recall first ({@link AnnIndex#calibrate}).
 * Records come either from a {@link Feed} (one per catalog, on its own thread: what a job on Kafka
 * does) or from every task (item vectors broadcast), so puts are idempotent and a version is
 * committed once, by whichever reader sees its COMMIT first.
 */
public final class ServedCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ServedCatalog.class);
    private static final Map<String, ServedCatalog> SHARED = new HashMap<>();
    /** Each index's search beam is raised until this recall@10 on probe items (at most 16 × the configured ef). */
    static final double CALIBRATION_RECALL = 0.95;

    private static final int PROBES = 200;
    /**
     * A version reuses the previous version's graph at once when at most this share of its items is new
     * (scanned exactly meanwhile: a query then costs the walk plus this share of an exact scan, for the
     * seconds until its own graph, extended by the new items, replaces it).
     */
    static final double MAX_FRESH_TO_REUSE = 0.25;

    /** How tables are indexed. */
    public record Settings(int annMinItems, AnnIndex.Settings ann) {
        public Settings {
            if (annMinItems < 0) {
                throw new IllegalArgumentException("ANN minimum catalog size must be >= 0, got " + annMinItems);
            }
        }

        public static Settings defaults() {
            return new Settings(5_000, AnnIndex.Settings.defaults());
        }
    }

    /** What feeds a catalog from outside serving's operator inputs (the embeddings topic, read by a thread of its own). */
    @FunctionalInterface
    public interface Feed {
        /**
         * Brings {@code catalog} up to the newest committed version before it returns (a rebuild from the
         * topic), then keeps feeding it ({@link #put}, {@link #commit}, {@link #restore}) until the
         * returned handle is closed.
         */
        AutoCloseable start(ServedCatalog catalog) throws Exception;
    }

    /** What a COMMIT did. */
    public enum Commit {
        COMMITTED,
        ALREADY,
        MISSING
    }

    private final String scope;
    private final Settings settings;
    private int users;
    private ItemTable.Builder pending;
    private long newestCommitted;
    /** The newest committed table (live, or its index still being built): what a delta applies to. */
    private ItemTable newestTable;

    private volatile ItemTable[] served;
    private ExecutorService builder;
    private AutoCloseable feed;
    private boolean released;

    private ServedCatalog(String scope, Settings settings) {
        this.scope = scope;
        this.settings = settings;
    }

    /** The JVM's catalog for {@code scope} (e.g. a job and its embeddings topic); {@link #release} when done. */
    public static ServedCatalog acquire(String scope, Settings settings) {
        synchronized (SHARED) {
            ServedCatalog c = SHARED.computeIfAbsent(scope, s -> new ServedCatalog(s, settings));
            c.users++;
            return c;
        }
    }

    /** Drops this JVM's catalog when its last task lets go (a restart rebuilds it from the topic). */
    public void release() {
        AutoCloseable stop = null;
        synchronized (SHARED) {
            if (--users == 0) {
                SHARED.remove(scope);
                synchronized (this) {
                    released = true;
                    if (builder != null) {
                        builder.shutdownNow();
                    }
                    newestTable = null;
                    stop = feed;
                    feed = null;
                }
            }
        }
        if (stop != null) {
            try {
                stop.close(); // outside the lock: the feed's thread may be waiting for it
            } catch (Exception e) {
                LOG.warn("Stopping the feed of served items {}: {}", scope, e.toString());
            }
        }
    }

    /**
     * Starts {@code f} on this catalog unless a feed was started already (by another task of this
     * JVM): returns when the catalog holds the newest committed version of the feed's source.
     */
    public synchronized void follow(Feed f) throws Exception {
        if (feed == null && !released) {
            feed = f.start(this);
        }
    }

    /** The live tables, newest first, or null before the first version. */
    public ItemTable[] served() {
        return served;
    }

    /** Newest version committed (live, or its index still being built); 0 if none. */
    public synchronized long newestCommitted() {
        return newestCommitted;
    }

    /** One item vector of a version being read; records of committed or superseded versions are ignored. */
    public synchronized void put(long version, String id, float[] vector) {
        if (version <= newestCommitted) {
            return;
        }
        if (pending == null || version > pending.version()) {
            pending = ItemTable.builder(version);
        }
        if (version == pending.version()) {
            try {
                pending.put(id, vector);
            } catch (IllegalArgumentException e) {
                LOG.warn("Serving leaves an item out: {}", e.getMessage());
            }
        }
    }

    /**
     * A version's COMMIT: its table is built and goes live (after its index is built, when it needs
     * one), with the version's mean user vector (where users without items are placed; null: none).
     * A delta ({@code baseVersion > 0}) applies to the newest committed table, which must be {@code
     * baseVersion}: its items, with the version's records added or replacing, less {@code removed}.
     * {@link Commit#MISSING} when the version's records, or its base, are not here (read from the
     * middle of the topic): rebuild from the topic then.
     */
    public synchronized Commit commit(
            long version, long triggerTime, int expectedItems, float[] coldUser, long baseVersion, String[] removed) {
        if (version <= newestCommitted) {
            return Commit.ALREADY;
        }
        ItemTable.Builder b = pending != null && pending.version() == version ? pending : null;
        if (baseVersion > 0) {
            if (newestTable == null || newestTable.version() != baseVersion) {
                LOG.warn(
                        "Model version {} is a delta on version {}, but the newest table here is {}",
                        version,
                        baseVersion,
                        newestTable == null ? "none" : newestTable.version());
                return Commit.MISSING;
            }
            if (b == null && expectedItems == 0) {
                b = ItemTable.builder(version); // nothing moved beyond the tolerance: the base's items as they were
            }
            if (b == null || b.size() < expectedItems) {
                // the base would fill the gaps with stale vectors: the topic holds the whole version instead
                LOG.warn(
                        "Model version {} (a delta) committed with {} of its {} item vectors",
                        version,
                        b == null ? 0 : b.size(),
                        expectedItems);
                return Commit.MISSING;
            }
            try {
                b.putMissing(newestTable, Set.of(removed));
            } catch (IllegalArgumentException e) {
                LOG.warn("Model version {} cannot apply to version {}: {}", version, baseVersion, e.getMessage());
                return Commit.MISSING;
            }
        } else {
            if (b == null) {
                return Commit.MISSING;
            }
            if (b.size() < expectedItems) {
                LOG.warn("Model version {} committed with {} of its {} item vectors", version, b.size(), expectedItems);
            }
        }
        ItemTable t = b.triggerTime(triggerTime)
                .coldUser(coldUser)
                .delta(baseVersion > 0)
                .build();
        pending = null;
        install(t);
        return Commit.COMMITTED;
    }

    /** Installs a table rebuilt elsewhere (from the embeddings topic on a restart) as the newest committed version. */
    public synchronized void restore(ItemTable t) {
        if (t.version() <= newestCommitted) {
            return;
        }
        if (pending != null && pending.version() <= t.version()) {
            pending = null;
        }
        install(t);
    }

    private void install(ItemTable t) {
        ItemTable previous = newestTable;
        newestCommitted = t.version();
        newestTable = t;
        if (t.size() < settings.annMinItems() || t.size() == 0) {
            goLive(t, 0);
            return;
        }
        if (builder == null) {
            builder = Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, "hnsw-build");
                th.setDaemon(true);
                return th;
            });
        }
        builder.execute(() -> {
            AnnIndex quick = null;
            try {
                // at once: the previous version's graph (as attached now, its own if built by now) walked with this
                // version's vectors, while this version's own is built
                quick = AnnIndex.reuse(t, previous == null ? null : previous.ann(), MAX_FRESH_TO_REUSE);
                double quickRecall = 0;
                if (quick != null) {
                    // worth it only when the old graph still fits the new vectors: at most twice the beam for the
                    // recall target
                    double recall = calibrate(quick, 2);
                    if (recall < CALIBRATION_RECALL) {
                        LOG.info(
                                "Model version {}: version {}'s HNSW graph no longer fits its vectors (recall@10 {} at ef {} on {} probe "
                                        + "items); building its own before it goes live",
                                t.version(),
                                previous.version(),
                                String.format("%.3f", recall),
                                quick.ef(),
                                PROBES);
                        quick = null;
                    }
                    quickRecall = recall;
                }
                if (quick != null) {
                    t.attach(quick);
                    LOG.info(
                            "Model version {}: serving from version {}'s HNSW graph ({} new items scanned exactly, ef {}, recall@10 {} on "
                                    + "{} probe items) while its own is built",
                            t.version(),
                            previous.version(),
                            quick.freshRows(),
                            quick.ef(),
                            String.format("%.3f", quickRecall),
                            PROBES);
                    synchronized (this) {
                        goLive(t, quick.buildSeconds());
                    }
                }
                synchronized (this) {
                    if (newestCommitted > t.version() && quick != null) {
                        return; // superseded while waiting: the next version's build replaces this one anyway
                    }
                }
                // its own graph: the previous graph extended by the items new since (cost follows them), unless that
                // no longer fits (an item withdrawn, or recall wants more than twice the beam); then built afresh
                AnnIndex a = AnnIndex.extend(t, previous == null ? null : previous.ann(), settings.ann());
                double recall = 0;
                if (a != null) {
                    recall = calibrate(a, 2);
                    if (recall < CALIBRATION_RECALL) {
                        LOG.info(
                                "Model version {}: the HNSW graph extended from version {}'s reaches recall@10 {} at ef {}; building "
                                        + "its own afresh",
                                t.version(),
                                previous.version(),
                                String.format("%.3f", recall),
                                a.ef());
                        a = null;
                    } else {
                        LOG.info(
                                "Model version {}: HNSW graph extended from version {}'s in {} s ({} items carried, {} inserted)",
                                t.version(),
                                previous.version(),
                                String.format("%.1f", a.buildSeconds()),
                                a.carriedNodes(),
                                t.size() - a.carriedNodes());
                    }
                }
                if (a == null) {
                    a = AnnIndex.build(t, settings.ann());
                    recall = calibrate(a, 16);
                }
                if (a.ef() != settings.ann().efSearch() || recall < CALIBRATION_RECALL) {
                    LOG.info(
                            "Model version {}: HNSW ef {} -> {} for recall@10 {} on {} probe items (target {})",
                            t.version(),
                            settings.ann().efSearch(),
                            a.ef(),
                            String.format("%.3f", recall),
                            PROBES,
                            CALIBRATION_RECALL);
                }
                t.attach(a);
                synchronized (this) {
                    if (quick == null) {
                        goLive(t, a.buildSeconds());
                    } else {
                        LOG.info(
                                "Model version {}: its own HNSW graph built in {} s",
                                t.version(),
                                String.format("%.1f", a.buildSeconds()));
                    }
                }
            } catch (RuntimeException e) {
                if (t.ann() != null) {
                    LOG.error(
                            "Building the HNSW index of model version {} failed; it keeps serving on the previous version's graph",
                            t.version(),
                            e);
                } else {
                    LOG.error(
                            "Building the HNSW index of model version {} failed; serving it with exact top-K",
                            t.version(),
                            e);
                }
                synchronized (this) {
                    goLive(t, 0);
                }
            }
        });
    }

    /** {@link AnnIndex#calibrate} to the catalog's recall target, the beam allowed up to {@code widest} × the configured ef. */
    private double calibrate(AnnIndex a, int widest) {
        return a.calibrate(
                CALIBRATION_RECALL, 10, PROBES, widest * settings.ann().efSearch());
    }

    private void goLive(ItemTable t, double indexSeconds) {
        if (released) {
            return; // an index finished after its job let go of the catalog
        }
        ItemTable[] now = served;
        if (now != null && now[0].version() >= t.version()) {
            return; // a newer version went live first
        }
        t.markLive(System.currentTimeMillis());
        served = now == null ? new ItemTable[] {t} : new ItemTable[] {t, now[0]};
        long age = t.triggerTime() > 0 ? System.currentTimeMillis() - t.triggerTime() : -1;
        LOG.info(
                "Serving model version {} ({} items, dim {}, {}{}, {} MB){}",
                t.version(),
                t.size(),
                t.dim(),
                t.ann() == null ? "exact top-K" : "HNSW top-K",
                t.ann() == null ? "" : String.format(" built in %.1f s", indexSeconds),
                t.bytes() >> 20,
                age >= 0 ? ", " + age + " ms after its trigger" : "");
    }
}
