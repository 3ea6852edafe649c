package io.streamrec.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * An HNSW graph over one {@link ItemTable}'s vectors (Lucene's {@code util.hnsw}), built once per
 * version and shared by every reader: maximum inner product, scored by {@link VectorMath}'s kernel
 * on a row-major copy of the vectors (HNSW reads one node's vector at a time). The rows-norm
 * reduction of inner product to cosine ([x, √(Φ² − |x|²)] / Φ) was tried and dropped: with item
 * norms spread as trained embeddings' are, most items crowd near the extra axis and recall@10 fell
 * to 0.70 where plain inner product kept 0.98 (BENCHMARKS.md §9). Searches skip excluded rows
 * through Lucene's filtered search (its candidate list of {@code ef} entries is the over-fetch), so
 * a user's seen items never take a top-K place.
 */
public final class AnnIndex {
  /** HNSW settings: neighbours per node, construction beam width, search beam width. */
  public record Settings(int maxConn, int beamWidth, int efSearch, long seed) {
    public Settings {
      if (maxConn < 2 || maxConn > 512 || beamWidth < 1 || efSearch < 1) {
        throw new IllegalArgumentException("HNSW settings out of range: M=" + maxConn + ", beam width " + beamWidth
            + ", ef " + efSearch);
      }
    }

    public static Settings defaults() {
      return new Settings(32, 100, 40, 42);
    }
  }

  private final ItemTable table;
  private final List<float[]> rows;
  private final OnHeapHnswGraph graph;
  private final Settings settings;
  private final double buildSeconds;

  private AnnIndex(ItemTable table, List<float[]> rows, OnHeapHnswGraph graph, Settings settings, double buildSeconds) {
    this.table = table;
    this.rows = rows;
    this.graph = graph;
    this.settings = settings;
    this.buildSeconds = buildSeconds;
  }

  /** Builds the graph over every row of {@code table} (single thread; seconds per 10⁵ items at d=64). */
  public static AnnIndex build(ItemTable table, Settings s) {
    long t0 = System.nanoTime();
    try {
      int d = table.dim();
      List<float[]> rows = new ArrayList<>(table.size());
      for (int r = 0; r < table.size(); r++) {
        rows.add(table.vector(r));
      }
      RandomVectorScorerSupplier supplier = new Supplier(rows, d);
      OnHeapHnswGraph g = HnswGraphBuilder.create(supplier, s.maxConn(), s.beamWidth(), s.seed()).build(table.size());
      return new AnnIndex(table, rows, g, s, (System.nanoTime() - t0) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public double buildSeconds() {
    return buildSeconds;
  }

  public long bytes() {
    return graph.ramBytesUsed() + rows.size() * (16L + 4L * (table.dim() + 1));
  }

  /**
   * Up to {@code k} rows best first by inner product with {@code user}, none of them excluded.
   *
   * @param excluded rows never returned (null: none)
   * @return how many rows were written to {@code out}
   */
  public int search(float[] user, int k, Bits excluded, int[] out, float[] scores) {
    try {
      RandomVectorScorer scorer = scorer(rows, table.dim(), user);
      Bits accept = excluded == null ? null : new Bits() {
        @Override
        public boolean get(int index) {
          return !excluded.get(index);
        }

        @Override
        public int length() {
          return table.size();
        }
      };
      // the OnHeapHnswGraph overload reads neighbour arrays directly: safe for concurrent searches of one
      // graph (the generic overload moves the graph's own seek cursor, which two tasks would share)
      KnnCollector c = HnswGraphSearcher.search(scorer, Math.max(k, settings.efSearch()), graph, accept, Integer.MAX_VALUE);
      TopDocs td = c.topDocs();
      int n = Math.min(k, td.scoreDocs.length);
      for (int i = 0; i < n; i++) {
        ScoreDoc hit = td.scoreDocs[i];
        out[i] = hit.doc;
        scores[i] = table.score(hit.doc, user); // the raw inner product, as the exact path reports it
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lucene's maximum-inner-product similarity (a positive, order-keeping scaling of a·b), the dot product on {@link VectorMath}'s kernel. */
  private static RandomVectorScorer scorer(List<float[]> rows, int dim, float[] query) {
    return new RandomVectorScorer.AbstractRandomVectorScorer(RandomAccessVectorValues.fromFloats(rows, dim)) {
      @Override
      public float score(int node) {
        float dot = VectorMath.KERNEL.dot(query, rows.get(node));
        return dot < 0 ? 1 / (1 - dot) : dot + 1;
      }
    };
  }

  /** Scorers between indexed nodes, for building the graph. */
  private static final class Supplier implements RandomVectorScorerSupplier {
    private final List<float[]> rows;
    private final int dim;

    Supplier(List<float[]> rows, int dim) {
      this.rows = rows;
      this.dim = dim;
    }

    @Override
    public RandomVectorScorer scorer(int ord) {
      return AnnIndex.scorer(rows, dim, rows.get(ord));
    }

    @Override
    public RandomVectorScorerSupplier copy() {
      return this;
    }
  }
}
