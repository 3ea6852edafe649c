package io.streamrec.model.eval;

import io.streamrec.model.server.IncrementalModel;
import io.streamrec.model.server.ModelVersion;
import io.streamrec.serving.ItemKeys;
import io.streamrec.serving.ItemTable;
import io.streamrec.serving.RankingMetrics;
import io.streamrec.serving.ServingCore;
import io.streamrec.serving.UserState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prequential protocol (docs/METHODS.md §7) offline: replays timestamped interactions in time
 * order through the model server's incremental model (the same {@link IncrementalModel} the
 * service runs), scoring every event against the version served at that moment BEFORE it is
 * learned (test-then-train), for (a) incremental fine-tuning at every trigger, (b) the first
 * version never refreshed and (c) most-popular; then compares the incremental model with a full
 * retrain on the same 90% prefix, ranked on the last 10%. Scoring is the serving core's ({@link
 * ServingCore}): the same placement of users (fold-in, unknown users, the centroid for users
 * without items), the same exact rank among unseen items and the same NDCG/HR as the graph job's
 * serving, so this offline figure measures what serving does. {@code bench-prequential} is its
 * command line.
 */
public final class PrequentialReplay {
    private static final Logger LOG = LoggerFactory.getLogger(PrequentialReplay.class);

    /** The scorers, in the order of every per-scorer figure. */
    public static final List<String> SCORERS = List.of("incremental", "first_model", "most_popular");

    /**
     * @param warmup share of events learned before the first version
     * @param triggerEvery events between versions
     * @param window rolling window, in scored events, of the series
     * @param foldIn fold a known user's interactions since the served version into its vector
     */
    public record Options(double warmup, int triggerEvery, int window, boolean foldIn) {}

    /** Makes a fresh model (the incremental one, then the full retrain's). */
    @FunctionalInterface
    public interface Models {
        IncrementalModel create() throws IOException;
    }

    /** Progress of the replay: events done of those after the warm-up, and the version served. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total, long version);
    }

    /**
     * What a replay measured (unrounded): NDCG@10 and HR@10 per scorer over every scored event after
     * the warm-up, the rolling series, and NDCG@20 on the last 10% for the incremental model and a
     * full retrain.
     */
    public record Result(
            Map<String, Object> overall,
            int scored,
            long versions,
            List<Map<String, Object>> series,
            double incrementalNdcg20,
            double fullRetrainNdcg20,
            int tailUsers,
            int events,
            int warmupEvents,
            double replaySeconds) {}

    private PrequentialReplay() {}

    /** Reads user, item, rating, unix time lines (ML-100K u.data); a bad line is an error naming the file and line. */
    public static List<long[]> readEvents(Path data) throws IOException {
        List<long[]> events = new ArrayList<>(); // user, item, time
        int lineNo = 0;
        for (String line : Files.readAllLines(data)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                throw new IllegalArgumentException(
                        data + ":" + lineNo + ": expected user, item, rating, time; got '" + line + "'");
            }
            try {
                events.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[3])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(data + ":" + lineNo + ": not a number: " + e.getMessage());
            }
        }
        return events;
    }

    /** Replays {@code events} (user, item, time; sorted here by time) as {@link PrequentialReplay} says. */
    public static Result run(List<long[]> events, Options options, Models models, Progress progress)
            throws IOException {
        events.sort((a, b) -> Long.compare(a[2], b[2]));
        int n = events.size();
        int start = (int) (n * options.warmup());
        int holdout = n - n / 10;
        IncrementalModel model = models.create();
        Map<String, Integer> popularity = new HashMap<>();
        Map<String, Set<String>> seen = new HashMap<>();
        for (int k = 0; k < start; k++) {
            learn(model, popularity, seen, events.get(k));
        }
        long t0 = System.nanoTime();
        ModelVersion first = model.fineTune(start);
        Scorer firstScorer = new Scorer(options.foldIn());
        Scorer current = new Scorer(options.foldIn());
        ModelVersion atHoldout = null;
        String[] names = SCORERS.toArray(String[]::new);
        double[][] sums = new double[3][2];
        List<Map<String, Object>> series = new ArrayList<>();
        double[][] win = new double[3][2];
        int scored = 0;
        int inWindow = 0;
        for (int k = 0; k < start; k++) { // the users' items before the first version
            long[] e = events.get(k);
            current.learn("u" + e[0], "i" + e[1]);
            firstScorer.learn("u" + e[0], "i" + e[1]);
        }
        current.accept(first);
        firstScorer.accept(first);
        for (int k = start; k < n; k++) {
            long[] e = events.get(k);
            String u = "u" + e[0];
            String i = "i" + e[1];
            Set<String> userSeen = seen.getOrDefault(u, Set.of());
            if (!userSeen.contains(i)) { // a repeat is not a prediction
                int[] ranks = {current.rank(u, i), firstScorer.rank(u, i), popularRank(popularity, i, userSeen) + 1};
                for (int m = 0; m < 3; m++) {
                    double ndcg = RankingMetrics.ndcg(ranks[m], 10);
                    double hit = RankingMetrics.hit(ranks[m], 10);
                    sums[m][0] += ndcg;
                    sums[m][1] += hit;
                    win[m][0] += ndcg;
                    win[m][1] += hit;
                }
                scored++;
                if (++inWindow == options.window()) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("events", k + 1);
                    p.put("time", e[2]);
                    p.put("version", current.version());
                    for (int m = 0; m < 3; m++) {
                        p.put(names[m] + "_ndcg@10", win[m][0] / options.window());
                        p.put(names[m] + "_hr@10", win[m][1] / options.window());
                    }
                    series.add(p);
                    win = new double[3][2];
                    inWindow = 0;
                }
            }
            if (learn(model, popularity, seen, e)) {
                current.learn(u, i);
                firstScorer.learn(u, i);
            }
            if ((k + 1 - start) % options.triggerEvery() == 0 || k + 1 == holdout) {
                ModelVersion v = model.fineTune(k + 1);
                current.accept(v);
                if (v.version() % 10 == 0) {
                    LOG.info(
                            "version {} at event {}/{} ({} s): rolling NDCG@10 so far incremental {}, first model {}, most popular {}",
                            v.version(),
                            k + 1,
                            n,
                            fmt((System.nanoTime() - t0) / 1e9),
                            fmt(sums[0][0] / Math.max(1, scored)),
                            fmt(sums[1][0] / Math.max(1, scored)),
                            fmt(sums[2][0] / Math.max(1, scored)));
                }
                if (k + 1 == holdout) {
                    atHoldout = v;
                }
            }
            progress.update(k + 1 - start, n - start, current.version());
        }
        double replaySeconds = (System.nanoTime() - t0) / 1e9;

        // incremental (as of the 90% prefix) vs a full retrain on that prefix, ranked on the last 10%
        Map<String, Set<String>> prefixSeen = new HashMap<>();
        Map<String, Set<String>> tail = new HashMap<>();
        IncrementalModel full = models.create();
        for (int k = 0; k < n; k++) {
            long[] e = events.get(k);
            String u = "u" + e[0];
            String i = "i" + e[1];
            if (k < holdout) {
                prefixSeen.computeIfAbsent(u, x -> new HashSet<>()).add(i);
                full.addEdge(u, i);
            } else if (!prefixSeen.getOrDefault(u, Set.of()).contains(i)) {
                tail.computeIfAbsent(u, x -> new HashSet<>()).add(i);
            }
        }
        ModelVersion retrained = full.fineTune(holdout);
        double incNdcg = offlineNdcg20(atHoldout, prefixSeen, tail);
        double fullNdcg = offlineNdcg20(retrained, prefixSeen, tail);

        Map<String, Object> overall = new LinkedHashMap<>();
        for (int m = 0; m < 3; m++) {
            overall.put(names[m] + "_ndcg@10", sums[m][0] / scored);
            overall.put(names[m] + "_hr@10", sums[m][1] / scored);
        }
        return new Result(
                overall, scored, current.version(), series, incNdcg, fullNdcg, tail.size(), n, start, replaySeconds);
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    private static boolean learn(
            IncrementalModel model, Map<String, Integer> popularity, Map<String, Set<String>> seen, long[] e) {
        String u = "u" + e[0];
        String i = "i" + e[1];
        if (seen.computeIfAbsent(u, x -> new HashSet<>()).add(i)) {
            model.addEdge(u, i);
            popularity.merge(i, 1, Integer::sum);
            return true;
        }
        return false;
    }

    /** 0-based rank of {@code item} by popularity among items the user has not seen (ties: half counted). */
    private static int popularRank(Map<String, Integer> popularity, String item, Set<String> seen) {
        int p = popularity.getOrDefault(item, 0);
        int better = 0;
        int ties = 0;
        for (Map.Entry<String, Integer> e : popularity.entrySet()) {
            if (seen.contains(e.getKey()) || e.getKey().equals(item)) {
                continue;
            }
            if (e.getValue() > p) {
                better++;
            } else if (e.getValue() == p) {
                ties++;
            }
        }
        return better + ties / 2;
    }

    /** NDCG@20 of a version on each tail user's held-out items, the user's prefix items excluded (the serving core's exact top-K). */
    private static double offlineNdcg20(ModelVersion v, Map<String, Set<String>> seen, Map<String, Set<String>> tail) {
        ItemTable table = table(v);
        Map<String, Integer> users = new HashMap<>();
        for (int k = 0; k < v.userIds().size(); k++) {
            users.put(v.userIds().get(k), k);
        }
        ServingCore.TopK top = new ServingCore.TopK(20);
        double sum = 0;
        for (Map.Entry<String, Set<String>> t : tail.entrySet()) {
            Set<String> relevant = t.getValue();
            Integer ur = users.get(t.getKey());
            double dcg = 0;
            if (ur != null) {
                UserState u = new UserState();
                for (String id : seen.getOrDefault(t.getKey(), Set.of())) {
                    u.added(ItemKeys.of(id), null);
                }
                ServingCore.exact(table, v.row(v.userVectors(), ur), -1, u, top);
                for (int pos = 0; pos < top.size; pos++) {
                    if (relevant.contains(table.id(top.rows[pos]))) {
                        dcg += RankingMetrics.gain(pos + 1);
                    }
                }
            }
            sum += dcg / RankingMetrics.idealDcg(Math.min(20, relevant.size()));
        }
        return sum / tail.size();
    }

    private static ItemTable table(ModelVersion v) {
        ItemTable.Builder b = ItemTable.builder(v.version()).coldUser(v.meanUserVector());
        for (int k = 0; k < v.itemIds().size(); k++) {
            b.put(v.itemIds().get(k), v.row(v.itemVectors(), k));
        }
        return b.build();
    }

    /**
     * A served version as the graph job serves it: the version's item table and, per user, the
     * serving core's user state (seen items, the user's vector, fold-in since it).
     */
    private static final class Scorer {
        private final boolean foldIn;
        private final Map<String, UserState> states = new HashMap<>();
        private ItemTable table;

        Scorer(boolean foldIn) {
            this.foldIn = foldIn;
        }

        long version() {
            return table == null ? 0 : table.version();
        }

        /** Serves version {@code v}: its items, and the vector of every user it has. */
        void accept(ModelVersion v) {
            table = table(v);
            for (int k = 0; k < v.userIds().size(); k++) {
                UserState u = states.computeIfAbsent(v.userIds().get(k), x -> new UserState());
                u.vectorArrived(v.version(), v.row(v.userVectors(), k));
                if (!foldIn) {
                    u.since = new long[0];
                    u.sinceCount = 0;
                }
            }
        }

        void learn(String user, String item) {
            UserState u = states.computeIfAbsent(user, x -> new UserState());
            u.added(ItemKeys.of(item), table);
            if (!foldIn) {
                u.sinceCount = 0;
            }
        }

        /** 1-based rank of the item among the user's unseen items (0: the version does not have it). */
        int rank(String user, String item) {
            UserState u = states.computeIfAbsent(user, x -> new UserState());
            ServingCore.Placement p = ServingCore.place(u, new ItemTable[] {table});
            return ServingCore.rank(p.table(), p.vector(), p.table().row(ItemKeys.of(item)), u);
        }
    }
}
