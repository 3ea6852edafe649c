package io.streamrec.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.common.Defaults;
import io.streamrec.common.Percentiles;
import io.streamrec.serving.AnnIndex;
import io.streamrec.serving.ItemTable;
import io.streamrec.serving.ServingCore;
import io.streamrec.serving.UserState;
import io.streamrec.serving.VectorMath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-ann}: top-K query cost alone, per catalog size, on one thread: the exact SIMD scan,
 * Lucene's {@code HnswGraphSearcher} and streamrec's walk over the same Lucene-built graph, with
 * recall@K of both against the exact top-K. The catalog is synthetic and clustered like trained
 * embeddings (32 clusters, norms spread 0.3–1.8), queries drawn near the clusters.
 */
@Command(
        name = "bench-ann",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Top-K query cost alone: exact scan, Lucene's HNSW search and streamrec's HNSW search over one graph, with "
                        + "recall@K, and the cost of extending a graph by a version's new items. Writes JSON.")
public final class AnnBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AnnBenchmark.class);

    @Option(
            names = "--items",
            defaultValue = "5000,50000,500000",
            split = ",",
            description = "Catalog sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> sizes;

    @Option(names = "--dim", defaultValue = Defaults.DIM, description = "Vector dimension. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(
            names = "--queries",
            defaultValue = "2000",
            description = "Queries per measured round. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description =
                    "Measured rounds (after one warm-up round); the median is reported. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--top-k", defaultValue = Defaults.TOP_K, description = "K. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--hnsw-m",
            defaultValue = Defaults.HNSW_M,
            description = "HNSW neighbours per node. Default: ${DEFAULT-VALUE}.")
    int m;

    @Option(
            names = "--hnsw-beam-width",
            defaultValue = Defaults.HNSW_BEAM_WIDTH,
            description = "HNSW construction beam width. Default: ${DEFAULT-VALUE}.")
    int beamWidth;

    @Option(
            names = "--hnsw-ef",
            defaultValue = Defaults.HNSW_EF,
            description = "HNSW search beam width. Default: ${DEFAULT-VALUE}.")
    int ef;

    @Option(
            names = "--extend-share",
            defaultValue = "0.2",
            description =
                    "Also time extending a graph built on the first "
                            + "(1 - share) of the items by the rest, as a version with that share of new items does (0: skip). Default: ${DEFAULT-VALUE}.")
    double extendShare;

    @Option(
            names = "--out",
            defaultValue = "bench/results/ann.json",
            description = "Results file. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (extendShare < 0 || extendShare >= 1) {
            throw new IllegalArgumentException("bench-ann: --extend-share must be in [0, 1), got " + extendShare);
        }
        if (dim < 1 || queries < 1 || rounds < 1 || k < 1 || sizes.stream().anyMatch(n -> n < k)) {
            throw new IllegalArgumentException(
                    "bench-ann: --dim, --queries, --rounds, --top-k must be >= 1 and every --items >= --top-k");
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode result = json.createObjectNode();
        result.put("kernel", VectorMath.kernel());
        result.put("dim", dim)
                .put("k", k)
                .put("hnsw_m", m)
                .put("hnsw_beam_width", beamWidth)
                .put("hnsw_ef", ef);
        ArrayNode rows = result.putArray("sizes");
        for (int n : sizes) {
            SplittableRandom rnd = new SplittableRandom(7);
            SplittableRandom moved =
                    new SplittableRandom(11); // its own stream: the catalog and queries stay what they were
            float[][] centers = new float[32][dim];
            for (float[] c : centers) {
                for (int j = 0; j < dim; j++) {
                    c[j] = (float) rnd.nextGaussian();
                }
            }
            ItemTable.Builder b = ItemTable.builder(2);
            ItemTable.Builder older = ItemTable.builder(1);
            int carried = (int) Math.round((1 - extendShare) * n);
            for (int i = 0; i < n; i++) {
                float[] c = centers[rnd.nextInt(centers.length)];
                float scale = (float) (0.3 + rnd.nextDouble() * 1.5);
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = scale * (c[j] + 0.6f * (float) rnd.nextGaussian());
                }
                b.put("item-" + i, v);
                if (i < carried) { // the earlier version's vector: where this one was before a fine-tune moved it a
                    // little
                    float[] was = new float[dim];
                    for (int j = 0; j < dim; j++) {
                        was[j] = v[j] + 0.05f * scale * (float) moved.nextGaussian();
                    }
                    older.put("item-" + i, was);
                }
            }
            ItemTable table = b.build();
            float[][] qs = new float[queries][dim];
            for (float[] q : qs) {
                float[] c = centers[rnd.nextInt(centers.length)];
                for (int j = 0; j < dim; j++) {
                    q[j] = c[j] + 0.8f * (float) rnd.nextGaussian();
                }
            }
            LOG.info("bench-ann: {} items, building the HNSW graph (M={}, beam width {})...", n, m, beamWidth);
            AnnIndex ann = AnnIndex.build(table, new AnnIndex.Settings(m, beamWidth, ef, 42));
            UserState nobody = new UserState();
            // exact top-K of every query: the recall reference (and the exact scan's cost)
            ServingCore.TopK[] truth = new ServingCore.TopK[queries];
            for (int i = 0; i < queries; i++) {
                truth[i] = new ServingCore.TopK(k);
            }
            double exactUs = median(rounds, () -> {
                        for (int i = 0; i < queries; i++) {
                            ServingCore.exact(table, qs[i], -1, nobody, truth[i]);
                        }
                    })
                    / queries;
            ServingCore.TopK hits = new ServingCore.TopK(k);
            long[] found = new long[2];
            double luceneUs = median(rounds, () -> {
                        found[0] = 0;
                        for (int i = 0; i < queries; i++) {
                            hits.size = ann.searchWithLucene(qs[i], k, null, hits.rows);
                            found[0] += hits.overlap(truth[i]);
                        }
                    })
                    / queries;
            double oursUs = median(rounds, () -> {
                        found[1] = 0;
                        for (int i = 0; i < queries; i++) {
                            hits.size = ann.search(qs[i], k, null, hits.rows, hits.scores);
                            found[1] += hits.overlap(truth[i]);
                        }
                    })
                    / queries;
            double total = (double) queries * k;
            ObjectNode row = rows.addObject();
            row.put("items", n).put("build_s", round(ann.buildSeconds(), 1)).put("index_bytes", ann.bytes());
            if (extendShare > 0 && carried > 0 && carried < n) {
                LOG.info(
                        "bench-ann: {} items, extending a graph of the first {} by the other {}...",
                        n,
                        carried,
                        n - carried);
                AnnIndex base = AnnIndex.build(older.build(), new AnnIndex.Settings(m, beamWidth, ef, 42));
                AnnIndex extended = AnnIndex.extend(table, base, new AnnIndex.Settings(m, beamWidth, ef, 42));
                long hit = 0;
                for (int i = 0; i < queries; i++) {
                    hits.size = extended.search(qs[i], k, null, hits.rows, hits.scores);
                    hit += hits.overlap(truth[i]);
                }
                row.put("extend_new_items", n - carried)
                        .put("extend_s", round(extended.buildSeconds(), 1))
                        .put("extended_recall_at_k", round(hit / total, 4));
                LOG.info(
                        "bench-ann: {} items: extended by {} new in {} s (a build afresh {} s), recall {}",
                        n,
                        n - carried,
                        row.get("extend_s"),
                        row.get("build_s"),
                        row.get("extended_recall_at_k"));
            }
            row.put("exact_us", round(exactUs, 1))
                    .put("lucene_search_us", round(luceneUs, 1))
                    .put("streamrec_search_us", round(oursUs, 1));
            row.put("lucene_recall_at_k", round(found[0] / total, 4))
                    .put("streamrec_recall_at_k", round(found[1] / total, 4));
            LOG.info(
                    "bench-ann: {} items: build {} s; per query exact {} µs, Lucene's search {} µs (recall {}), streamrec's {} µs (recall {})",
                    n,
                    row.get("build_s"),
                    row.get("exact_us"),
                    row.get("lucene_search_us"),
                    row.get("lucene_recall_at_k"),
                    row.get("streamrec_search_us"),
                    row.get("streamrec_recall_at_k"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json.writeValueAsString(result) + "\n");
        }
        System.out.println(json.writeValueAsString(result));
        return 0;
    }

    /** Median wall time in µs of {@code rounds} runs of {@code r}, after one unmeasured warm-up run. */
    private static double median(int rounds, Runnable r) {
        r.run();
        double[] t = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        return Percentiles.of(t, 0.5);
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
