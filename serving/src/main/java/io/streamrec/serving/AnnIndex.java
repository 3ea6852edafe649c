package io.streamrec.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.InitializedHnswGraphBuilder;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * An HNSW graph over one {@link ItemTable}'s vectors, built once per version by Lucene's {@code
 * util.hnsw} builder and shared by every reader: maximum inner product, scored by {@link
 * VectorMath}'s kernel on one row-major copy of the vectors (HNSW reads one node's vector at a time,
 * so a node's components sit in one contiguous run). The rows-norm reduction of inner product to
 * cosine ([x, √(Φ² − |x|²)] / Φ) was tried and dropped: with item norms spread as trained
 * embeddings' are, most items crowd near the extra axis and recall@10 fell to 0.70 where plain inner
 * product kept 0.98 (BENCHMARKS.md §9).
 *
 * <p>The graph is Lucene's; the query walk over it is this class's: the textbook HNSW search (greedy
 * descent through the upper layers, then a best-first beam of {@code ef} on layer 0) with a per-thread
 * visited array stamped by query number instead of Lucene's per-query sparse bit set, and the vectors
 * read from one flat array instead of one object per node. Measured alone on 50,000 items (d = 64, M =
 * 32, ef = 40) it returns the same top-10 as Lucene's {@code HnswGraphSearcher} in 25–40% less time
 * (BENCHMARKS.md §9, {@code bench-ann}). Seen items are skipped as Lucene's filtered search skips them: they are walked
 * through but never take a result place, so the beam of {@code ef} is the over-fetch.
 */
public final class AnnIndex {
    /** HNSW settings: neighbours per node, construction beam width, search beam width. */
    public record Settings(int maxConn, int beamWidth, int efSearch, long seed) {
        public Settings {
            if (maxConn < 2 || maxConn > 512 || beamWidth < 1 || efSearch < 1) {
                throw new IllegalArgumentException(
                        "HNSW settings out of range: M=" + maxConn + ", beam width " + beamWidth + ", ef " + efSearch);
            }
        }

        public static Settings defaults() {
            return new Settings(32, 100, 40, 42);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ItemTable table;
    private final float[] rows;
    private final int dim;
    private final OnHeapHnswGraph graph;
    /** Layer 0's neighbour lists copied flat: node i's at [i · stride, i · stride + degree[i]). */
    private final int[] layer0;

    private final int stride;
    private final int[] degree;
    private final Settings settings;
    private final double buildSeconds;
    /** The search beam width in use: the settings' ef, or what {@link #calibrate} raised it to. */
    private volatile int ef;

    /** Graph nodes (the rows of the table the graph was built on). */
    private final int nodes;
    /** Each node's item key (to map the graph onto a later version's table). */
    private final long[] nodeKeys;
    /** Node → row of {@link #table}, -1 for an item the table no longer has; null: the identity (a built index). */
    private final int[] rowOfNode;
    /** Rows of {@link #table} not in the graph (items new since it was built), scanned exactly. */
    private final int[] fresh;
    /** Nodes taken over from an earlier version's graph ({@link #extend}); 0 for a graph built afresh. */
    private final int carried;

    private AnnIndex(
            ItemTable table, float[] rows, OnHeapHnswGraph graph, Settings settings, double buildSeconds, int carried) {
        this.table = table;
        this.carried = carried;
        this.rows = rows;
        this.dim = table.dim();
        this.graph = graph;
        this.settings = settings;
        int n = table.size();
        int widest = 1;
        for (int i = 0; i < n; i++) {
            widest = Math.max(widest, graph.getNeighbors(0, i).size());
        }
        this.stride = widest;
        this.layer0 = new int[n * widest];
        this.degree = new int[n];
        for (int i = 0; i < n; i++) {
            NeighborArray na = graph.getNeighbors(0, i);
            degree[i] = na.size();
            System.arraycopy(na.nodes(), 0, layer0, i * widest, na.size());
        }
        this.nodes = n;
        this.nodeKeys = new long[n];
        for (int i = 0; i < n; i++) {
            nodeKeys[i] = table.key(i);
        }
        this.rowOfNode = null;
        this.fresh = new int[0];
        this.buildSeconds = buildSeconds;
        this.ef = settings.efSearch();
    }

    /** Builds the graph over every row of {@code table} (single thread; seconds per 10⁵ items at d=64). */
    public static AnnIndex build(ItemTable table, Settings s) {
        long t0 = System.nanoTime();
        try {
            int d = table.dim();
            int n = table.size();
            float[] rows = new float[n * d];
            for (int r = 0; r < n; r++) {
                System.arraycopy(table.vector(r), 0, rows, r * d, d);
            }
            OnHeapHnswGraph g = HnswGraphBuilder.create(new Supplier(rows, d, n), s.maxConn(), s.beamWidth(), s.seed())
                    .build(n);
            return new AnnIndex(table, rows, g, s, (System.nanoTime() - t0) / 1e9, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds {@code table}'s own graph starting from an earlier version's: the old graph's nodes and
     * neighbour lists carried over (renumbered to {@code table}'s rows, their neighbours rescored with the
     * new vectors where the builder compares them), only the items new since inserted. Its cost follows
     * the new items, not the catalog (Lucene's {@code InitializedHnswGraphBuilder}, as its segment merges
     * use it). Null when there is nothing to start from: no old index, another dimension, or an item of
     * the old graph that {@code table} no longer has (withdrawn: its node cannot be carried).
     */
    public static AnnIndex extend(ItemTable table, AnnIndex old, Settings s) {
        if (old == null || old.dim != table.dim() || table.size() < old.nodes) {
            return null;
        }
        long t0 = System.nanoTime();
        int d = table.dim();
        int n = table.size();
        int[] newOrd = new int[old.nodes];
        FixedBitSet carried = new FixedBitSet(n);
        for (int node = 0; node < old.nodes; node++) {
            int r = table.row(old.nodeKeys[node]);
            if (r < 0) {
                return null;
            }
            newOrd[node] = r;
            carried.set(r);
        }
        float[] rows = new float[n * d];
        for (int r = 0; r < n; r++) {
            System.arraycopy(table.vector(r), 0, rows, r * d, d);
        }
        try {
            OnHeapHnswGraph g = InitializedHnswGraphBuilder.fromGraph(
                            new Supplier(rows, d, n),
                            s.maxConn(),
                            s.beamWidth(),
                            s.seed(),
                            old.graph,
                            newOrd,
                            carried,
                            n)
                    .build(n);
            return new AnnIndex(table, rows, g, s, (System.nanoTime() - t0) / 1e9, old.nodes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #reuse}: the old index's graph with {@code table}'s vectors. */
    private AnnIndex(ItemTable table, float[] rows, AnnIndex old, int[] rowOfNode, int[] fresh, double seconds) {
        this.table = table;
        this.rows = rows;
        this.dim = table.dim();
        this.graph = old.graph;
        this.layer0 = old.layer0;
        this.stride = old.stride;
        this.degree = old.degree;
        this.settings = old.settings;
        this.nodes = old.nodes;
        this.nodeKeys = old.nodeKeys;
        this.rowOfNode = rowOfNode;
        this.fresh = fresh;
        this.carried = old.nodes;
        this.buildSeconds = seconds;
        this.ef = settings.efSearch();
    }

    /**
     * An index for {@code table} made at once from an earlier version's index: its graph, walked with
     * {@code table}'s vectors (a fine-tuned version moves vectors a little, so the old neighbourhoods
     * still lead to the new best items); items gone since are walked through but never returned, and
     * items new since ({@link #freshRows}) are scanned exactly and merged in. What serving uses while
     * the version's own graph is built; recall is then measured like any index's ({@link #calibrate},
     * the rolling {@code ann_recall} metric). Null when the tables' dimensions differ or more than
     * {@code maxFresh} of {@code table}'s items are new.
     */
    public static AnnIndex reuse(ItemTable table, AnnIndex old, double maxFresh) {
        long t0 = System.nanoTime();
        int d = table.dim();
        if (old == null || d != old.dim || table.size() == 0) {
            return null;
        }
        float[] rows = new float[old.nodes * d];
        int[] rowOfNode = new int[old.nodes];
        boolean[] covered = new boolean[table.size()];
        for (int node = 0; node < old.nodes; node++) {
            int r = table.row(old.nodeKeys[node]);
            rowOfNode[node] = r;
            if (r >= 0) {
                System.arraycopy(table.vector(r), 0, rows, node * d, d);
                covered[r] = true;
            } else { // gone: keeps its old place in the walk
                System.arraycopy(old.rows, node * d, rows, node * d, d);
            }
        }
        int n = 0;
        int[] fresh = new int[table.size()];
        for (int r = 0; r < covered.length; r++) {
            if (!covered[r]) {
                fresh[n++] = r;
            }
        }
        if (n > maxFresh * table.size()) {
            return null;
        }
        return new AnnIndex(table, rows, old, rowOfNode, Arrays.copyOf(fresh, n), (System.nanoTime() - t0) / 1e9);
    }

    /** Whether this index walks an earlier version's graph ({@link #reuse}). */
    public boolean reused() {
        return rowOfNode != null;
    }

    /** How many of the graph's nodes were carried over from an earlier version's graph ({@link #extend}); 0 if built afresh. */
    public int carriedNodes() {
        return carried;
    }

    /** How many of the table's items are not in the graph (scanned exactly). */
    public int freshRows() {
        return fresh.length;
    }

    public double buildSeconds() {
        return buildSeconds;
    }

    public long bytes() {
        long own = rows.length * 4L + (rowOfNode == null ? 0 : rowOfNode.length * 4L) + fresh.length * 4L;
        return rowOfNode != null
                ? own
                : own + graph.ramBytesUsed() + layer0.length * 4L + degree.length * 4L + nodeKeys.length * 8L;
    }

    private boolean accepted(int node, Bits excluded) {
        int row = rowOfNode == null ? node : rowOfNode[node];
        return row >= 0 && (excluded == null || !excluded.get(row));
    }

    /**
     * Up to {@code k} rows best first by inner product with {@code user}, none of them excluded. Safe
     * for concurrent callers (the graph is read-only once built; each thread has its own scratch).
     *
     * @param excluded rows never returned (null: none)
     * @return how many rows were written to {@code out}
     */
    public int search(float[] user, int k, Bits excluded, int[] out, float[] scores) {
        if (table.size() == 0 || k <= 0) {
            return 0;
        }
        Scratch w = SCRATCH.get().begin(nodes);
        int ef = Math.max(k, this.ef);
        // upper layers: greedy descent to the node closest to the query
        int ep = graph.entryNode();
        float best = dot(user, ep);
        w.mark[ep] = w.epoch;
        for (int level = graph.numLevels() - 1; level >= 1; level--) {
            boolean moved = true;
            while (moved) {
                moved = false;
                NeighborArray na = graph.getNeighbors(level, ep);
                int[] nodes = na.nodes();
                for (int i = 0, size = na.size(); i < size; i++) {
                    int x = nodes[i];
                    if (w.mark[x] != w.epoch) {
                        w.mark[x] = w.epoch;
                        float sx = dot(user, x);
                        if (sx > best) {
                            best = sx;
                            ep = x;
                            moved = true;
                        }
                    }
                }
            }
        }
        // layer 0: best-first beam; every walked node is a candidate, only accepted ones are results (the
        // upper layers' visits are forgotten: they are layer 0's nodes too)
        w.restamp();
        w.mark[ep] = w.epoch;
        long e = Scratch.encode(best, ep);
        w.pushCandidate(e);
        if (accepted(ep, excluded)) {
            w.pushResult(e);
        }
        while (w.nc > 0) {
            long c = w.popCandidate();
            if (w.nr >= ef && c < w.res[0]) {
                break; // the best unexpanded candidate is worse than every result: nothing left to gain
            }
            int node = (int) c;
            for (int i = node * stride, end = i + degree[node]; i < end; i++) {
                int x = layer0[i];
                if (w.mark[x] == w.epoch) {
                    continue;
                }
                w.mark[x] = w.epoch;
                long ex = Scratch.encode(dot(user, x), x);
                if (w.nr >= ef && ex <= w.res[0]) {
                    continue;
                }
                w.pushCandidate(ex);
                if (accepted(x, excluded)) {
                    if (w.nr >= ef) {
                        w.popResult();
                    }
                    w.pushResult(ex);
                }
            }
        }
        // results come off the min-heap worst first; as rows, with the raw inner products the exact path reports
        int m = w.nr;
        long[] sorted = Arrays.copyOf(w.res, m);
        Arrays.sort(sorted);
        if (fresh.length == 0) {
            int taken = Math.min(k, m);
            for (int i = 0; i < taken; i++) {
                int row = rowOfNode == null ? (int) sorted[m - 1 - i] : rowOfNode[(int) sorted[m - 1 - i]];
                out[i] = row;
                scores[i] = table.score(row, user);
            }
            return taken;
        }
        // items new since the graph was built: scored exactly, merged with the walk's best
        long[] all = new long[Math.min(k, m) + fresh.length];
        int a = 0;
        for (int i = 0; i < Math.min(k, m); i++) {
            int row = rowOfNode[(int) sorted[m - 1 - i]];
            all[a++] = Scratch.encode(table.score(row, user), row);
        }
        for (int row : fresh) {
            if (excluded == null || !excluded.get(row)) {
                all[a++] = Scratch.encode(table.score(row, user), row);
            }
        }
        Arrays.sort(all, 0, a);
        int taken = Math.min(k, a);
        for (int i = 0; i < taken; i++) {
            long x = all[a - 1 - i];
            out[i] = (int) x;
            scores[i] = table.score((int) x, user);
        }
        return taken;
    }

    /** The search beam width in use. */
    public int ef() {
        return ef;
    }

    /**
     * Raises the search beam width, doubling it from the settings' ef up to {@code maxEf}, until
     * recall@{@code k} against the exact top-K on {@code probes} probe queries (item vectors of this
     * table, chosen by a fixed seed: where the users of a version sit is not known here) reaches
     * {@code target}. Recall on the same catalog varies a lot with how the model has spread it (on
     * 75,000 isotropic random vectors, as a barely trained model leaves them, ef 40 finds 0.71 of the
     * top-10; on clustered ones 0.99), so a fixed ef is wrong for some versions. Returns the recall
     * reached. Not concurrent with searches of this index (call before it serves).
     */
    public double calibrate(double target, int k, int probes, int maxEf) {
        int n = table.size();
        if (n == 0 || probes <= 0) {
            return 1;
        }
        SplittableRandom rnd = new SplittableRandom(settings.seed() ^ n);
        float[][] qs = new float[probes][];
        ServingCore.TopK[] truth = new ServingCore.TopK[probes];
        UserState nobody = new UserState();
        for (int p = 0; p < probes; p++) {
            qs[p] = table.vector(rnd.nextInt(n));
            truth[p] = new ServingCore.TopK(k);
            ServingCore.exact(table, qs[p], -1, nobody, truth[p]);
        }
        ServingCore.TopK found = new ServingCore.TopK(k);
        while (true) {
            long hits = 0;
            long total = 0;
            for (int p = 0; p < probes; p++) {
                found.size = search(qs[p], k, null, found.rows, found.scores);
                hits += found.overlap(truth[p]);
                total += truth[p].size;
            }
            double recall = total == 0 ? 1 : (double) hits / total;
            if (recall >= target || ef >= maxEf) {
                return recall;
            }
            ef = Math.min(maxEf, ef * 2);
        }
    }

    /**
     * The same query by Lucene's own {@code HnswGraphSearcher} over the same graph (its filtered search): the
     * reference {@code bench-ann} measures {@link #search} against, not used in serving.
     */
    public int searchWithLucene(float[] user, int k, Bits excluded, int[] out) {
        if (rowOfNode != null) {
            throw new IllegalStateException("Lucene's search walks built indexes only, not a reused graph");
        }
        try {
            RandomVectorScorer scorer = scorer(new Supplier(rows, dim, table.size()).values, rows, dim, user);
            Bits accept = excluded == null
                    ? null
                    : new Bits() {
                        @Override
                        public boolean get(int index) {
                            return !excluded.get(index);
                        }

                        @Override
                        public int length() {
                            return table.size();
                        }
                    };
            KnnCollector c = HnswGraphSearcher.search(
                    scorer, Math.max(k, settings.efSearch()), graph, accept, Integer.MAX_VALUE);
            ScoreDoc[] hits = c.topDocs().scoreDocs;
            int taken = Math.min(k, hits.length);
            for (int i = 0; i < taken; i++) {
                out[i] = hits[i].doc;
            }
            return taken;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private float dot(float[] q, int node) {
        return VectorMath.KERNEL.dot(q, rows, node * dim);
    }

    /** A thread's search state: visited stamps, the candidate max-heap and the result min-heap of (score, node) longs. */
    private static final class Scratch {
        int[] mark = new int[0];
        int epoch;
        long[] cand = new long[64];
        int nc;
        long[] res = new long[64];
        int nr;

        Scratch begin(int n) {
            if (mark.length < n) {
                mark = new int[n];
                epoch = 0;
            }
            restamp();
            nc = 0;
            nr = 0;
            return this;
        }

        /** A new visit stamp: every node unvisited again, in O(1). */
        void restamp() {
            if (++epoch == Integer.MAX_VALUE) {
                Arrays.fill(mark, 0);
                epoch = 1;
            }
        }

        /** (score, node) as one long whose signed order is the score's order (ties: the higher node). */
        static long encode(float score, int node) {
            int b = Float.floatToIntBits(score);
            b = b < 0 ? b ^ 0x7fffffff : b;
            return ((long) b << 32) | (node & 0xffffffffL);
        }

        void pushCandidate(long e) {
            if (nc == cand.length) {
                cand = Arrays.copyOf(cand, nc * 2);
            }
            int i = nc++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (cand[p] >= e) {
                    break;
                }
                cand[i] = cand[p];
                i = p;
            }
            cand[i] = e;
        }

        long popCandidate() {
            long top = cand[0];
            long last = cand[--nc];
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= nc) {
                    break;
                }
                int b = l + 1 < nc && cand[l + 1] > cand[l] ? l + 1 : l;
                if (last >= cand[b]) {
                    break;
                }
                cand[i] = cand[b];
                i = b;
            }
            if (nc > 0) {
                cand[i] = last;
            }
            return top;
        }

        void pushResult(long e) {
            if (nr == res.length) {
                res = Arrays.copyOf(res, nr * 2);
            }
            int i = nr++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (res[p] <= e) {
                    break;
                }
                res[i] = res[p];
                i = p;
            }
            res[i] = e;
        }

        void popResult() {
            long last = res[--nr];
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= nr) {
                    break;
                }
                int b = l + 1 < nr && res[l + 1] < res[l] ? l + 1 : l;
                if (last <= res[b]) {
                    break;
                }
                res[i] = res[b];
                i = b;
            }
            if (nr > 0) {
                res[i] = last;
            }
        }
    }

    /**
     * The first {@code n} rows of a flat row-major table ({@code dim} columns) as Lucene's vector
     * values: a row is copied out only when asked for (Lucene's scorers mostly ask for the count).
     */
    public static RandomAccessVectorValues flatValues(float[] rows, int dim, int n) {
        List<float[]> view = new AbstractList<>() {
            @Override
            public float[] get(int i) {
                return Arrays.copyOfRange(rows, i * dim, (i + 1) * dim);
            }

            @Override
            public int size() {
                return n;
            }
        };
        return RandomAccessVectorValues.fromFloats(view, dim);
    }

    /** Lucene's maximum-inner-product similarity (a positive, order-keeping scaling of a·b) on the flat rows, for the builder. */
    private static RandomVectorScorer scorer(RandomAccessVectorValues values, float[] rows, int dim, float[] query) {
        return new RandomVectorScorer.AbstractRandomVectorScorer(values) {
            @Override
            public float score(int node) {
                float dot = VectorMath.KERNEL.dot(query, rows, node * dim);
                return dot < 0 ? 1 / (1 - dot) : dot + 1;
            }
        };
    }

    /** Scorers between indexed nodes, for building the graph. */
    private static final class Supplier implements RandomVectorScorerSupplier {
        private final float[] rows;
        private final int dim;
        private final RandomAccessVectorValues values;

        Supplier(float[] rows, int dim, int n) {
            this.rows = rows;
            this.dim = dim;
            this.values = flatValues(rows, dim, n);
        }

        @Override
        public RandomVectorScorer scorer(int ord) {
            return AnnIndex.scorer(values, rows, dim, Arrays.copyOfRange(rows, ord * dim, (ord + 1) * dim));
        }

        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }
}
