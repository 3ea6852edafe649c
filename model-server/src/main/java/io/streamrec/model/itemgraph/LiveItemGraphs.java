package io.streamrec.model.itemgraph;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model server's content kNN graphs, kept up to date item by item ({@link ContentKnn}): one over
 * the early-fused modalities (MM-GEF) or one per modality (RedND), keyed "fused" or by modality name.
 * An item's vector arriving or changing puts it in the graph at once with its k neighbours; a
 * withdrawn item leaves the graph (and every list) until it is listed again. Only a new modality,
 * which changes the fused rows' width, rebuilds the fused graph. Not thread-safe.
 */
public final class LiveItemGraphs {
    /** The key of the fused-content graph. */
    public static final String FUSED = "fused";

    private final ContentKnn.Settings settings;
    private final boolean fused;
    private final Map<String, ContentKnn> knn = new TreeMap<>();
    private List<String> fusedOrder = List.of();
    private final BitSet withdrawn = new BitSet();
    private long updates;
    private long withdrawals;
    private long rebuilds;

    /** @param fused one graph over the fused modalities (true) or one per modality */
    public LiveItemGraphs(ContentKnn.Settings settings, boolean fused) {
        this.settings = settings;
        this.fused = fused;
    }

    /**
     * Item {@code item}'s content changed (or arrived): {@code content} is modality → item → vector, all
     * the content known, {@code dims} each modality's width.
     */
    public void update(int item, Map<String, Map<Integer, float[]>> content, Map<String, Integer> dims) {
        update(item, null, content, dims);
    }

    /** {@link #update(int, Map, Map)} when only {@code modality}'s vector changed (null: any): per-modality graphs re-add that one alone. */
    public void update(
            int item, String modality, Map<String, Map<Integer, float[]>> content, Map<String, Integer> dims) {
        if (withdrawn.get(item)) {
            return;
        }
        updates++;
        if (fused) {
            List<String> order = new ArrayList<>(content.keySet());
            if (!order.equals(fusedOrder)) {
                rebuildFused(content, dims, order);
                return;
            }
            float[] row = fusedRowOf(item, content, dims, order);
            if (row != null) {
                knn.get(FUSED).add(item, row);
            }
        } else {
            for (Map.Entry<String, Map<Integer, float[]>> m : content.entrySet()) {
                float[] v = m.getValue().get(item);
                if (v != null && (modality == null || modality.equals(m.getKey()))) {
                    knn.computeIfAbsent(m.getKey(), k -> new ContentKnn(dims.get(k), settings))
                            .add(item, ContentFeatures.fusedRow(Collections.singletonList(v), new int[] {v.length}));
                }
            }
        }
    }

    /** Builds every graph at once from all the content known (a restart): a bulk build, not one update per item. */
    public void rebuild(Map<String, Map<Integer, float[]>> content, Map<String, Integer> dims) {
        if (content.isEmpty()) {
            return;
        }
        if (fused) {
            rebuildFused(content, dims, new ArrayList<>(content.keySet()));
            return;
        }
        rebuilds++;
        for (Map.Entry<String, Map<Integer, float[]>> m : content.entrySet()) {
            int d = dims.get(m.getKey());
            int n = 0;
            for (int i : m.getValue().keySet()) {
                n = Math.max(n, i + 1);
            }
            float[] rows = new float[n * d];
            boolean[] present = new boolean[n];
            for (Map.Entry<Integer, float[]> v : m.getValue().entrySet()) {
                if (!withdrawn.get(v.getKey())) {
                    present[v.getKey()] = true;
                    float[] unit = ContentFeatures.fusedRow(Collections.singletonList(v.getValue()), new int[] {d});
                    System.arraycopy(unit, 0, rows, v.getKey() * d, d);
                }
            }
            knn.put(m.getKey(), ContentKnn.build(rows, present, n, d, settings));
        }
    }

    /** The item was withdrawn: it leaves every graph. */
    public void withdraw(int item) {
        if (withdrawn.get(item)) {
            return;
        }
        withdrawn.set(item);
        withdrawals++;
        for (ContentKnn k : knn.values()) {
            k.remove(item);
        }
    }

    /** The item is listed again: it re-enters with the content it has. */
    public void relist(int item, Map<String, Map<Integer, float[]>> content, Map<String, Integer> dims) {
        if (withdrawn.get(item)) {
            withdrawn.clear(item);
            update(item, content, dims);
        }
    }

    public boolean isWithdrawn(int item) {
        return withdrawn.get(item);
    }

    /** The graph under {@code key} ({@link #FUSED} or a modality name), or null. */
    public ContentKnn knn(String key) {
        return knn.get(key);
    }

    /** Every graph, symmetrised and normalised over items 0..numItems-1. */
    public Map<String, ItemGraph> graphs(int numItems) {
        Map<String, ItemGraph> g = new LinkedHashMap<>();
        knn.forEach((k, v) -> g.put(k, v.normalizedGraph(numItems)));
        return g;
    }

    /** Counters for a version's metrics. */
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        long items = 0;
        long searches = 0;
        long comparisons = 0;
        for (ContentKnn k : knn.values()) {
            items += k.size();
            searches += k.searches();
            comparisons += k.comparisons();
        }
        m.put("knn_graphs", knn.size());
        m.put("knn_items", items);
        m.put("knn_updates", updates);
        m.put("knn_withdrawals", withdrawals);
        m.put("knn_rebuilds", rebuilds);
        m.put("knn_hnsw_searches", searches);
        m.put("knn_exact_comparisons", comparisons);
        return m;
    }

    private void rebuildFused(
            Map<String, Map<Integer, float[]>> content, Map<String, Integer> dims, List<String> order) {
        rebuilds++;
        fusedOrder = order;
        int width = 0;
        for (String m : order) {
            width += dims.get(m);
        }
        int n = 0;
        for (Map<Integer, float[]> v : content.values()) {
            for (int i : v.keySet()) {
                n = Math.max(n, i + 1);
            }
        }
        float[] rows = new float[n * width];
        boolean[] present = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (withdrawn.get(i)) {
                continue;
            }
            float[] row = fusedRowOf(i, content, dims, order);
            if (row != null) {
                present[i] = true;
                System.arraycopy(row, 0, rows, i * width, width);
            }
        }
        knn.put(FUSED, ContentKnn.build(rows, present, n, width, settings));
    }

    private static float[] fusedRowOf(
            int item, Map<String, Map<Integer, float[]>> content, Map<String, Integer> dims, List<String> order) {
        List<float[]> vs = new ArrayList<>(order.size());
        int[] ds = new int[order.size()];
        for (int j = 0; j < order.size(); j++) {
            vs.add(content.get(order.get(j)).get(item));
            ds[j] = dims.get(order.get(j));
        }
        return ContentFeatures.fusedRow(vs, ds);
    }
}
