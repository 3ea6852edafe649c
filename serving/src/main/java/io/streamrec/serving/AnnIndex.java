package io.streamrec.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * An HNSW graph over one {@link ItemTable}'s vectors (Lucene's {@code util.hnsw}), built once per
 * version and shared by every reader. Maximum inner product search is reduced to a search among
 * unit vectors (each item x becomes [x, √(Φ² − |x|²)] / Φ with Φ the largest norm, a query q
 * becomes [q, 0] / |q|): the order by inner product is unchanged, and HNSW graphs over vectors of
 * one norm connect far better than over raw inner products (measured: recall@10 0.94 → see the
 * tests and BENCHMARKS.md). Searches skip excluded rows
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
      return new Settings(16, 100, 200, 42);
    }
  }

  private static final VectorSimilarityFunction SIM = VectorSimilarityFunction.DOT_PRODUCT;
  private final ItemTable table;
  private final List<float[]> unit;
  private final OnHeapHnswGraph graph;
  private final Settings settings;
  private final double buildSeconds;

  private AnnIndex(ItemTable table, List<float[]> unit, OnHeapHnswGraph graph, Settings settings, double buildSeconds) {
    this.table = table;
    this.unit = unit;
    this.graph = graph;
    this.settings = settings;
    this.buildSeconds = buildSeconds;
  }

  /** Builds the graph over every row of {@code table} (single thread; seconds per 10⁵ items at d=64). */
  public static AnnIndex build(ItemTable table, Settings s) {
    long t0 = System.nanoTime();
    try {
      int d = table.dim();
      double maxNorm = 0;
      for (int r = 0; r < table.size(); r++) {
        maxNorm = Math.max(maxNorm, Math.sqrt(table.score(r, table.vector(r))));
      }
      double phi = maxNorm == 0 ? 1 : maxNorm;
      List<float[]> unit = new ArrayList<>(table.size());
      for (int r = 0; r < table.size(); r++) {
        float[] x = table.vector(r);
        float[] u = new float[d + 1];
        double n2 = 0;
        for (int c = 0; c < d; c++) {
          u[c] = (float) (x[c] / phi);
          n2 += (double) u[c] * u[c];
        }
        u[d] = (float) Math.sqrt(Math.max(0, 1 - n2));
        unit.add(u);
      }
      RandomVectorScorerSupplier supplier = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(SIM,
          RandomAccessVectorValues.fromFloats(unit, d + 1));
      OnHeapHnswGraph g = HnswGraphBuilder.create(supplier, s.maxConn(), s.beamWidth(), s.seed()).build(table.size());
      return new AnnIndex(table, unit, g, s, (System.nanoTime() - t0) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public double buildSeconds() {
    return buildSeconds;
  }

  public Settings settings() {
    return settings;
  }

  public long bytes() {
    return graph.ramBytesUsed() + unit.size() * (16L + 4L * (table.dim() + 1));
  }

  /**
   * Up to {@code k} rows best first by inner product with {@code user}, none of them excluded.
   *
   * @param excluded rows never returned (null: none)
   * @return how many rows were written to {@code out}
   */
  public int search(float[] user, int k, Bits excluded, int[] out, float[] scores) {
    try {
      int d = table.dim();
      float[] q = new float[d + 1];
      double n2 = 0;
      for (int c = 0; c < d; c++) {
        n2 += (double) user[c] * user[c];
      }
      double inv = n2 == 0 ? 0 : 1 / Math.sqrt(n2);
      for (int c = 0; c < d; c++) {
        q[c] = (float) (user[c] * inv);
      }
      RandomVectorScorer scorer = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(SIM,
          RandomAccessVectorValues.fromFloats(unit, d + 1), q);
      TopKnnCollector c = new TopKnnCollector(Math.max(k, settings.efSearch()), Integer.MAX_VALUE);
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
      HnswGraphSearcher.search(scorer, c, graph, accept);
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
}
