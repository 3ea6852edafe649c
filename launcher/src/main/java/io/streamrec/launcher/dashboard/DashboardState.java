package io.streamrec.launcher.dashboard;

import io.streamrec.common.PrometheusText;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.ItemEvent;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import io.streamrec.schemas.avro.ScoredItem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, folded from the topics' records as they are read (no Flink, no model
 * internals): rolling metric windows with the baselines beside the model, the paired comparisons,
 * the versions' timeline, throughput and lag samples, dead letters by reason, the latest
 * recommendation per user and item texts. Every collection is bounded (oldest dropped first), so
 * the dashboard's memory does not grow with the run. Synchronized: the topic reader writes while
 * the web server reads {@link #snapshot}.
 */
public final class DashboardState {
    static final int MAX_WINDOWS = 3_000;
    static final int MAX_VERSIONS = 500;
    static final int MAX_THROUGHPUT = 1_800;
    static final int MAX_USERS = 200_000;
    static final int MAX_ITEMS = 2_000_000;
    static final int RECENT_DEAD_LETTERS = 20;
    /** Windows scored on fewer events (a superseded version's stragglers) are not charted nor exported (the page gets it from here). */
    public static final int MIN_SAMPLES = 50;

    /** One emitted window of one version: the model's and the baselines' values on the same events. */
    public static final class Window {
        public long time;
        public long version;
        public String window;
        public long samples;
        public final Map<String, Double> ndcg = new TreeMap<>(); // by scorer
        public final Map<String, Double> hitRate = new TreeMap<>();
    }

    /** A version's row of the timeline. */
    public static final class Version {
        public long version;
        public long triggerTime;
        public long committedTime;
        public double liveSeconds = Double.NaN;
        public long baseVersion;
        public final Map<String, Double> training = new TreeMap<>();
        public final Map<String, Paired> paired = new TreeMap<>(); // against → comparison
    }

    public record Paired(double delta, double low, double high, long events) {}

    public record Throughput(long time, long produced, long consumed, double eventsPerSecond) {}

    public record DeadLetterRow(long time, String reason, String detail, String topic) {}

    private final Map<String, Window> windows = new LinkedHashMap<>();
    private final TreeMap<Long, Version> versions = new TreeMap<>();
    private final Deque<Throughput> throughput = new ArrayDeque<>();
    private final Map<String, Long> deadLetterCounts = new TreeMap<>();
    private final Deque<DeadLetterRow> recentDeadLetters = new ArrayDeque<>();
    private final LinkedHashMap<String, Recommendation> recommendations = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<String, String> itemText = new LinkedHashMap<>();
    private final Map<String, Double> modelServer = new TreeMap<>();
    private String metricK = "ndcg@10";
    private long metricPoints;
    private long newestPointTime;
    private String modelServerError;

    public synchronized void metric(MetricPoint p) {
        metricPoints++;
        newestPointTime = Math.max(newestPointTime, p.getTime().toEpochMilli());
        String name = p.getName();
        if (name.equals("version_live_seconds")) {
            version(p.getModelVersion()).liveSeconds = p.getValue();
        } else if (name.startsWith("paired_")) {
            Map<String, String> l = p.getLabels();
            String against = l.getOrDefault("against", "?");
            version(p.getModelVersion())
                    .paired
                    .put(
                            against,
                            new Paired(
                                    p.getValue(), parse(l.get("ci95_low")), parse(l.get("ci95_high")), p.getSamples()));
        } else if (p.getWindow().startsWith("time:") && (name.startsWith("ndcg@") || name.startsWith("hit_rate@"))) {
            String key = p.getModelVersion() + "|" + p.getWindow() + "|"
                    + p.getTime().toEpochMilli();
            Window w = windows.get(key);
            if (w == null) {
                w = new Window();
                w.time = p.getTime().toEpochMilli();
                w.version = p.getModelVersion();
                w.window = p.getWindow();
                w.samples = p.getSamples();
                windows.put(key, w);
                if (windows.size() > MAX_WINDOWS) {
                    windows.remove(windows.keySet().iterator().next());
                }
            }
            (name.startsWith("ndcg@") ? w.ndcg : w.hitRate).put(p.getScorer(), p.getValue());
            if (name.startsWith("ndcg@")) {
                metricK = name;
            }
        }
    }

    private static double parse(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private Version version(long v) {
        Version row = versions.computeIfAbsent(v, k -> {
            Version r = new Version();
            r.version = k;
            return r;
        });
        while (versions.size() > MAX_VERSIONS) {
            versions.pollFirstEntry();
        }
        return row;
    }

    /** A COMMIT of the embeddings topic. */
    public synchronized void commit(EmbeddingRecord c) {
        Version row = version(c.getModelVersion());
        row.triggerTime = c.getTriggerTime().toEpochMilli();
        row.committedTime = c.getCreatedTime().toEpochMilli();
        row.baseVersion = c.getBaseVersion();
        row.training.clear();
        row.training.putAll(c.getMetrics());
    }

    public synchronized void deadLetter(DeadLetter d) {
        deadLetterCounts.merge(d.getReasonCode(), 1L, Long::sum);
        recentDeadLetters.addFirst(
                new DeadLetterRow(d.getTime().toEpochMilli(), d.getReasonCode(), d.getReason(), d.getSourceTopic()));
        while (recentDeadLetters.size() > RECENT_DEAD_LETTERS) {
            recentDeadLetters.removeLast();
        }
    }

    public synchronized void recommendation(Recommendation r) {
        recommendations.put(r.getUserId(), r);
        if (recommendations.size() > MAX_USERS) {
            recommendations.remove(recommendations.keySet().iterator().next());
        }
    }

    public synchronized void item(ItemEvent e) {
        if (e.getDeleted()) {
            itemText.remove(e.getItemId());
            return;
        }
        if (!e.getText().isEmpty()) {
            itemText.put(e.getItemId(), String.join(" · ", new TreeMap<>(e.getText()).values()));
            if (itemText.size() > MAX_ITEMS) {
                itemText.remove(itemText.keySet().iterator().next());
            }
        }
    }

    /** Interactions produced (end offsets) and consumed by the graph job (its group's committed offsets), now. */
    public synchronized void offsets(long time, long produced, long consumed) {
        // over the last 10 s at least: the job commits its offsets at checkpoints, so one-second steps alternate 0 and
        // 2x
        Throughput base = null;
        for (var it = throughput.descendingIterator(); it.hasNext(); ) {
            Throughput t = it.next();
            base = t;
            if (time - t.time() >= 10_000) {
                break;
            }
        }
        double rate = base == null || time <= base.time()
                ? Double.NaN
                : (consumed - base.consumed()) * 1000.0 / (time - base.time());
        throughput.addLast(new Throughput(time, produced, consumed, rate));
        while (throughput.size() > MAX_THROUGHPUT) {
            throughput.removeFirst();
        }
    }

    /** The model server's gauges (Prometheus names without the prefix), or why they could not be read. */
    public synchronized void modelServer(Map<String, Double> gauges, String error) {
        modelServer.clear();
        modelServer.putAll(gauges);
        modelServerError = error;
    }

    /** The user's latest recommendation with the items' texts where known; null when none was read. */
    public synchronized Map<String, Object> user(String id) {
        Recommendation r = recommendations.get(id);
        if (r == null) {
            return null;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (ScoredItem s : r.getItems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("item", s.getItemId());
            m.put("score", s.getScore());
            m.put("text", itemText.get(s.getItemId()));
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", id);
        out.put("version", r.getModelVersion());
        out.put("eventTime", r.getEventTime().toEpochMilli());
        out.put("createdTime", r.getCreatedTime().toEpochMilli());
        out.put("items", items);
        return out;
    }

    /** The newest charted window (time order; the last one read among windows of the same time), or null. */
    private Window newestWindow() {
        Window newest = null;
        for (Window w : windows.values()) {
            if (w.samples >= MIN_SAMPLES && w.ndcg.containsKey("model") && (newest == null || w.time >= newest.time)) {
                newest = w;
            }
        }
        return newest;
    }

    /**
     * The launcher's Prometheus figures, from what was read off the topics: throughput and the graph
     * job's consumer lag, versions, the newest window's NDCG and hit rate per scorer, the newest
     * paired comparisons (against the previous version and against most-popular), dead letters.
     */
    public synchronized void prometheus(PrometheusText p) {
        Throughput t = throughput.peekLast();
        if (t != null) {
            p.gauge(
                    "streamrec_interactions_produced",
                    "Interactions on the interactions topic (sum of its end offsets)",
                    t.produced());
            p.gauge(
                    "streamrec_interactions_consumed",
                    "Interactions the graph job has committed (its consumer group's offsets)",
                    t.consumed());
            p.gauge(
                    "streamrec_graph_job_lag_events",
                    "Interactions produced and not yet committed by the graph job",
                    t.produced() - t.consumed());
            p.gauge(
                    "streamrec_graph_job_events_per_second",
                    "Interactions committed per second over the last 10 s or more",
                    t.eventsPerSecond());
        }
        Version newest = null;
        long committed = 0;
        for (Version v : versions.values()) {
            if (v.committedTime > 0) {
                committed++;
                newest = v;
            }
        }
        p.gauge(
                "streamrec_versions_committed",
                "Model versions committed on the embeddings topic (the last " + MAX_VERSIONS + " kept)",
                committed);
        if (newest != null) {
            p.gauge("streamrec_version_newest", "Newest committed model version", newest.version);
            p.gauge(
                    "streamrec_version_newest_edges",
                    "Edges the newest version trained on",
                    newest.training.getOrDefault("edges", Double.NaN));
            p.gauge(
                    "streamrec_version_newest_training_seconds",
                    "Training seconds of the newest version",
                    newest.training.getOrDefault("seconds", Double.NaN));
        }
        Version live = null;
        for (Version v : versions.values()) {
            if (!Double.isNaN(v.liveSeconds)) {
                live = v;
            }
        }
        if (live != null) {
            p.gauge(
                    "streamrec_version_live_seconds",
                    "Trigger to live (serving it) of the newest version that went live",
                    live.liveSeconds);
        }
        Window w = newestWindow();
        if (w != null) {
            p.gauge(
                    "streamrec_rolling_window_version",
                    "Version that scored the newest rolling-metric window",
                    w.version);
            p.gauge("streamrec_rolling_window_events", "Events in the newest rolling-metric window", w.samples);
            p.gauges(
                    "streamrec_rolling_ndcg",
                    "Rolling " + metricK + " of the newest time window, per scorer on the same events",
                    byScorer(w.ndcg));
            p.gauges(
                    "streamrec_rolling_hit_rate",
                    "Rolling " + metricK.replace("ndcg", "hit_rate") + " of the newest time window, per scorer",
                    byScorer(w.hitRate));
        }
        Map<Map<String, String>, Double> delta = new LinkedHashMap<>();
        Map<Map<String, String>, Double> low = new LinkedHashMap<>();
        Map<Map<String, String>, Double> high = new LinkedHashMap<>();
        for (Version v : versions.descendingMap().values()) {
            if (!v.paired.isEmpty()) {
                v.paired.forEach((against, c) -> {
                    // one series per kind of comparison, whatever the version numbers: "v<N>" is the version served
                    // before it
                    Map<String, String> l = Map.of("against", against.startsWith("v") ? "previous" : against);
                    delta.put(l, c.delta());
                    low.put(l, c.low());
                    high.put(l, c.high());
                });
                p.gauge("streamrec_paired_version", "Newest version with paired comparisons", v.version);
                break;
            }
        }
        p.gauges(
                "streamrec_paired_ndcg_delta",
                "Newest version's NDCG minus the other scorer's on the same events (against: previous, most_popular)",
                delta);
        p.gauges("streamrec_paired_ndcg_ci95_low", "Lower end of the 95% interval of streamrec_paired_ndcg_delta", low);
        p.gauges(
                "streamrec_paired_ndcg_ci95_high",
                "Upper end of the 95% interval of streamrec_paired_ndcg_delta",
                high);
        Map<Map<String, String>, Double> dead = new LinkedHashMap<>();
        deadLetterCounts.forEach((reason, n) -> dead.put(Map.of("reason", reason), (double) n));
        p.counters("streamrec_dead_letters_total", "Records on the dead-letter topic, by reason code", dead);
        p.counter("streamrec_metric_points_total", "Metric points read from the metrics topic", metricPoints);
    }

    private static Map<Map<String, String>, Double> byScorer(Map<String, Double> values) {
        Map<Map<String, String>, Double> out = new LinkedHashMap<>();
        values.forEach((scorer, v) -> out.put(Map.of("scorer", scorer), v));
        return out;
    }

    /** Everything the page draws, as JSON-ready maps and lists. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", metricK);
        out.put("minSamples", MIN_SAMPLES);
        out.put("metricPoints", metricPoints);
        out.put("newestPointTime", newestPointTime);
        List<Window> ws = new ArrayList<>(windows.values());
        ws.sort((a, b) -> Long.compare(a.time, b.time));
        out.put("windows", ws);
        out.put("versions", new ArrayList<>(versions.descendingMap().values()));
        out.put("throughput", new ArrayList<>(throughput));
        out.put("deadLetters", new TreeMap<>(deadLetterCounts));
        out.put("recentDeadLetters", new ArrayList<>(recentDeadLetters));
        out.put("modelServer", new TreeMap<>(modelServer));
        out.put("modelServerError", modelServerError);
        out.put("users", recommendations.size());
        out.put("items", itemText.size());
        return out;
    }
}
