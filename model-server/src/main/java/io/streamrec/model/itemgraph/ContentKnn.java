package io.streamrec.model.itemgraph;

import io.streamrec.serving.AnnIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * The content kNN graph between items, kept up to date as items arrive and leave: each item's k most
 * cosine-similar items (rows are unit vectors, so cosine = dot product), weight = the similarity,
 * non-positive similarities left out.
 *
 * <p>Exact while the catalog has at most {@link Settings#exactBelow} items with content: a scan of
 * every item, so the lists are those a rebuild from scratch computes, to the bit (ties broken by
 * id). Above it, neighbours come from an HNSW graph over the content vectors, Lucene's builder as
 * serving's {@code AnnIndex} uses (Lucene {@code util.hnsw}); items are inserted into it one by one,
 * so an arrival costs a graph search and insertion, not a scan of the catalog. A withdrawn item is
 * left in the HNSW graph as a deleted node (never returned), as Lucene treats deleted documents.
 *
 * <p>Updates: an arriving item gets its k neighbours at once, and it enters the list of every item
 * it beats the last neighbour of (exact: all items are checked; HNSW: its own neighbours are, the
 * reverse edges an insertion can reach). A withdrawn item leaves every list it was in; those lists
 * are refilled (exact: by a scan; HNSW: by a search). Not thread-safe.
 */
public final class ContentKnn {
    /** k neighbours; exact up to {@code exactBelow} items with content; HNSW settings above it. */
    public record Settings(int k, int exactBelow, int maxConn, int beamWidth, int efSearch, long seed) {
        public Settings {
            if (k < 1 || exactBelow < 0 || maxConn < 2 || beamWidth < 1 || efSearch < 1) {
                throw new IllegalArgumentException("kNN settings out of range: k=" + k + ", exact below " + exactBelow
                        + ", M=" + maxConn + ", beam " + beamWidth + ", ef " + efSearch);
            }
        }

        public static Settings of(int k, int exactBelow) {
            return new Settings(k, exactBelow, 32, 100, Math.max(64, 4 * k), 42);
        }
    }

    private final int dim;
    private final Settings settings;
    private float[] rows = new float[0];
    private boolean[] present = new boolean[0];
    private int slots;
    private int count;
    private final Neighbours lists;
    /** Who lists item i: revIds[i][0 .. revCount[i]). */
    private int[][] revIds = new int[0][];

    private int[] revCount = new int[0];
    private HnswGraphBuilder hnsw;
    private long searches;
    private long scanned;

    public ContentKnn(int dim, Settings settings) {
        if (dim < 1) {
            throw new IllegalArgumentException("content dimension must be positive, got " + dim);
        }
        this.dim = dim;
        this.settings = settings;
        this.lists = new Neighbours(0, settings.k());
    }

    /** The graph of the rows (n × dim, unit rows) whose {@code present} flag is set, built at once. */
    public static ContentKnn build(float[] unitRows, boolean[] present, int n, int dim, Settings s) {
        ContentKnn knn = new ContentKnn(dim, s);
        knn.ensure(n);
        knn.slots = n;
        System.arraycopy(unitRows, 0, knn.rows, 0, n * dim);
        for (int i = 0; i < n; i++) {
            if (present[i]) {
                knn.present[i] = true;
                knn.count++;
            }
        }
        if (knn.count <= s.exactBelow()) {
            Neighbours l = knn.lists;
            int[][] ids = new int[n][];
            float[][] ws = new float[n][];
            IntStream.range(0, n).parallel().filter(i -> present[i]).forEach(i -> {
                Neighbours one = new Neighbours(1, s.k());
                knn.scanInto(i, one, 0);
                ids[i] = one.ids(0);
                ws[i] = one.weights(0);
            });
            for (int i = 0; i < n; i++) {
                if (ids[i] != null) {
                    l.set(i, ids[i], ws[i]);
                }
            }
            knn.scanned += (long) knn.count * knn.count;
            knn.rebuildReverse();
        } else {
            knn.startHnsw();
            for (int i = 0; i < n; i++) {
                if (present[i]) {
                    knn.setList(i, knn.searchList(i));
                }
            }
            knn.rebuildReverse();
        }
        return knn;
    }

    public int k() {
        return settings.k();
    }

    /** Items with content now in the graph. */
    public int size() {
        return count;
    }

    public boolean exact() {
        return hnsw == null;
    }

    public boolean contains(int item) {
        return item < slots && present[item];
    }

    /** HNSW searches and exact row comparisons so far (what the updates cost). */
    public long searches() {
        return searches;
    }

    public long comparisons() {
        return scanned;
    }

    /** The directed top-k lists (live view: later updates change it). */
    public Neighbours neighbours() {
        return lists;
    }

    /** Symmetrised, symmetric-normalised graph of the current lists. */
    public ItemGraph normalizedGraph() {
        return ItemGraph.symmetrised(lists).symmetricNormalized();
    }

    /** {@link #normalizedGraph()} over items 0..n-1 (every item in the graph must be below n). */
    public ItemGraph normalizedGraph(int n) {
        lists.grow(n);
        return ItemGraph.symmetrised(lists, n).symmetricNormalized();
    }

    /** Adds (or replaces) item {@code item}'s content vector (unit length); it gets its neighbours at once. */
    public void add(int item, float[] unit) {
        if (unit.length != dim) {
            throw new IllegalArgumentException(
                    "item " + item + ": content vector of dimension " + unit.length + ", graph has " + dim);
        }
        if (contains(item)) {
            remove(item);
        }
        ensure(item + 1);
        slots = Math.max(slots, item + 1);
        System.arraycopy(unit, 0, rows, item * dim, dim);
        present[item] = true;
        count++;
        if (hnsw == null && count > settings.exactBelow()) {
            startHnsw(); // from here on arrivals cost a search, not a scan (the new item is in the graph now)
        } else if (hnsw != null) {
            addNode(item);
        }
        if (hnsw == null) {
            Neighbours one = new Neighbours(1, settings.k());
            for (int j = 0; j < slots; j++) {
                if (j == item || !present[j]) {
                    continue;
                }
                float s = dot(item, j);
                if (s > 0) {
                    one.offer(0, j, s);
                    offerReverse(j, item, s);
                }
            }
            scanned += slots;
            setList(item, new int[][] {one.ids(0)}, new float[][] {one.weights(0)});
        } else {
            Neighbours found = searchList(item);
            setList(item, found);
            for (int j : found.ids(0)) {
                offerReverse(j, item, dot(item, j));
            }
        }
    }

    /** Withdraws an item: it leaves the graph and every list; those lists are refilled. */
    public void remove(int item) {
        if (!contains(item)) {
            return;
        }
        present[item] = false;
        count--;
        for (int j : lists.ids(item)) {
            dropReverse(j, item);
        }
        lists.set(item, new int[0], new float[0]);
        int[] affected = revIds[item] == null ? new int[0] : Arrays.copyOf(revIds[item], revCount[item]);
        revCount[item] = 0;
        for (int j : affected) {
            if (hnsw == null) {
                Neighbours one = new Neighbours(1, settings.k());
                scanInto(j, one, 0);
                scanned += slots;
                setList(j, new int[][] {one.ids(0)}, new float[][] {one.weights(0)});
            } else {
                setList(j, searchList(j));
            }
        }
    }

    /** Cosine of two items with content (rows are unit vectors). */
    public float similarity(int i, int j) {
        return dot(i, j);
    }

    // ---------------------------------------------------------------------------------------------

    private float dot(int i, int j) {
        int a = i * dim;
        int b = j * dim;
        float s = 0;
        for (int c = 0; c < dim; c++) {
            s += rows[a + c] * rows[b + c];
        }
        return s;
    }

    /** Exact top-k of {@code item} over every other present item, into list {@code slot} of {@code into}. */
    private void scanInto(int item, Neighbours into, int slot) {
        for (int j = 0; j < slots; j++) {
            if (j != item && present[j]) {
                float s = dot(item, j);
                if (s > 0) {
                    into.offer(slot, j, s);
                }
            }
        }
    }

    private void offerReverse(int j, int item, float s) {
        if (!(s > 0)) {
            return;
        }
        int[] before = lists.ids(j);
        int displaced = before.length == settings.k() ? before[before.length - 1] : -1;
        if (lists.offer(j, item, s)) {
            addReverse(item, j);
            if (displaced >= 0) {
                dropReverse(displaced, j);
            }
        }
    }

    private void setList(int item, Neighbours one) {
        setList(item, new int[][] {one.ids(0)}, new float[][] {one.weights(0)});
    }

    private void setList(int item, int[][] ids, float[][] ws) {
        for (int old : lists.ids(item)) {
            dropReverse(old, item);
        }
        lists.set(item, ids[0], ws[0]);
        for (int j : ids[0]) {
            addReverse(j, item);
        }
    }

    private void rebuildReverse() {
        Arrays.fill(revCount, 0);
        for (int i = 0; i < slots; i++) {
            for (int j : lists.ids(i)) {
                addReverse(j, i);
            }
        }
    }

    private void addReverse(int target, int lister) {
        int[] r = revIds[target];
        if (r == null) {
            r = revIds[target] = new int[Math.max(4, settings.k())];
        } else if (revCount[target] == r.length) {
            r = revIds[target] = Arrays.copyOf(r, 2 * r.length);
        }
        r[revCount[target]++] = lister;
    }

    private void dropReverse(int target, int lister) {
        int[] r = revIds[target];
        for (int p = 0; p < revCount[target]; p++) {
            if (r[p] == lister) {
                r[p] = r[--revCount[target]];
                return;
            }
        }
    }

    private void ensure(int n) {
        if (n <= present.length) {
            return;
        }
        int cap = Math.max(n, present.length + (present.length >> 1) + 16);
        rows = Arrays.copyOf(rows, cap * dim);
        present = Arrays.copyOf(present, cap);
        revIds = Arrays.copyOf(revIds, cap);
        revCount = Arrays.copyOf(revCount, cap);
        lists.grow(cap);
    }

    // HNSW --------------------------------------------------------------------------------------------

    private void startHnsw() {
        try {
            hnsw = HnswGraphBuilder.create(new Supplier(), settings.maxConn(), settings.beamWidth(), settings.seed());
            for (int i = 0; i < slots; i++) {
                if (present[i]) {
                    hnsw.addGraphNode(i);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addNode(int item) {
        try {
            hnsw.addGraphNode(item);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Up to k present items nearest {@code item} by the HNSW graph (never itself, never a withdrawn one). */
    private Neighbours searchList(int item) {
        searches++;
        Neighbours one = new Neighbours(1, settings.k());
        try {
            Bits accept = new Bits() {
                @Override
                public boolean get(int index) {
                    return index != item && index < slots && present[index];
                }

                @Override
                public int length() {
                    return slots;
                }
            };
            KnnCollector c = HnswGraphSearcher.search(
                    scorer(item),
                    Math.max(settings.k(), settings.efSearch()),
                    hnsw.getGraph(),
                    accept,
                    Integer.MAX_VALUE);
            for (ScoreDoc d : c.topDocs().scoreDocs) {
                float s = dot(item, d.doc);
                if (s > 0) {
                    one.offer(0, d.doc, s);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return one;
    }

    private RandomAccessVectorValues values() {
        return AnnIndex.flatValues(rows, dim, slots);
    }

    /** Lucene's similarity scale for unit vectors, (1 + cos) / 2: positive and order-keeping. */
    private RandomVectorScorer scorer(int item) {
        return new RandomVectorScorer.AbstractRandomVectorScorer(values()) {
            @Override
            public float score(int node) {
                return (1 + dot(item, node)) / 2;
            }

            @Override
            public int maxOrd() {
                return slots;
            }
        };
    }

    private final class Supplier implements RandomVectorScorerSupplier {
        @Override
        public RandomVectorScorer scorer(int ord) {
            return ContentKnn.this.scorer(ord);
        }

        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }
}
