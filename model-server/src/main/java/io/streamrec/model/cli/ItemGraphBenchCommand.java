package io.streamrec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.common.Percentiles;
import io.streamrec.model.itemgraph.ContentKnn;
import io.streamrec.model.itemgraph.Neighbours;
import io.streamrec.model.lightgcn.ResidentMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-item-graph}: what keeping the content kNN graph live costs at catalog sizes. Builds the
 * graph over N clustered unit vectors (MiniLM-like width), then streams arrivals and withdrawals into
 * it as the model server does, timing each; recall@k of the lists against brute force on a sample.
 */
@Command(
        name = "bench-item-graph",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Cost of the live content kNN graph (MM-GEF/RedND in the model server): build over N items, then per-arrival and "
                        + "per-withdrawal latency, HNSW searches per update, recall@k against brute force, heap.")
public final class ItemGraphBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ItemGraphBenchCommand.class);

    @Option(
            names = "--items",
            defaultValue = "100000",
            description = "Items in the graph before the updates (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(
            names = "--content-dim",
            defaultValue = "384",
            description = "Width of the content vectors (MiniLM: 384) (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--clusters",
            defaultValue = "200",
            description = "Topics the vectors are drawn around (default: ${DEFAULT-VALUE}).")
    int clusters;

    @Option(
            names = "--arrivals",
            defaultValue = "2000",
            description = "Items added one by one after the build (default: ${DEFAULT-VALUE}).")
    int arrivals;

    @Option(
            names = "--withdrawals",
            defaultValue = "500",
            description = "Items withdrawn one by one after the arrivals (default: ${DEFAULT-VALUE}).")
    int withdrawals;

    @Option(
            names = "--knn-k",
            defaultValue = Defaults.KNN_K,
            description = "Neighbours per item (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--knn-exact-below",
            defaultValue = Defaults.KNN_EXACT_BELOW,
            description = "Exact up to this many items, HNSW above (default: ${DEFAULT-VALUE}).")
    int exactBelow;

    @Option(
            names = "--recall-sample",
            defaultValue = "200",
            description = "Items whose lists are checked against brute force (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--seed",
            defaultValue = "5",
            description = "Seed of the vectors and the update order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Results JSON.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (items < 2 || arrivals < 0 || withdrawals < 0 || withdrawals > items || dim < 1 || clusters < 1) {
            throw new IllegalArgumentException(
                    "--items must be >= 2, --arrivals and --withdrawals >= 0 (withdrawals <= items), --content-dim and --clusters >= 1");
        }
        int n = items + arrivals;
        SplittableRandom r = new SplittableRandom(seed);
        float[] centres = new float[clusters * dim];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = (float) r.nextGaussian();
        }
        float[] rows = new float[n * dim];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(clusters);
            double s = 0;
            for (int j = 0; j < dim; j++) {
                float x = centres[c * dim + j] + (float) (0.8 * r.nextGaussian());
                rows[i * dim + j] = x;
                s += (double) x * x;
            }
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < dim; j++) {
                rows[i * dim + j] *= inv;
            }
        }
        boolean[] present = new boolean[n];
        for (int i = 0; i < items; i++) {
            present[i] = true;
        }
        ContentKnn.Settings s = ContentKnn.Settings.of(k, exactBelow);
        long heap0 = usedHeap();
        long t0 = System.nanoTime();
        ContentKnn knn = ContentKnn.build(rows, present, n, dim, s);
        double build = (System.nanoTime() - t0) / 1e9;
        LOG.info(
                "Built the {} graph over {} items in {} s",
                knn.exact() ? "exact" : "HNSW",
                items,
                TrainCommand.fmt(build));
        long searches0 = knn.searches();
        double[] add = new double[arrivals];
        ProgressBar bar = new ProgressBar("updates");
        bar.start();
        for (int a = 0; a < arrivals; a++) {
            int item = items + a;
            float[] v = new float[dim];
            System.arraycopy(rows, item * dim, v, 0, dim);
            long t = System.nanoTime();
            knn.add(item, v);
            add[a] = (System.nanoTime() - t) / 1e9;
            bar.update(a + 1, arrivals + withdrawals, "arrivals");
        }
        long searchesAdd = knn.searches() - searches0;
        double[] rem = new double[withdrawals];
        for (int w = 0; w < withdrawals; w++) {
            int item = r.nextInt(n);
            while (!knn.contains(item)) {
                item = r.nextInt(n);
            }
            long t = System.nanoTime();
            knn.remove(item);
            rem[w] = (System.nanoTime() - t) / 1e9;
            present[item] = false;
            bar.update(arrivals + w + 1, arrivals + withdrawals, "withdrawals");
        }
        long searchesRemove = knn.searches() - searches0 - searchesAdd;
        long heap = usedHeap() - heap0;
        for (int i = items; i < n; i++) {
            present[i] = knn.contains(i);
        }
        // recall@k of a sample of lists against brute force over the items now in the graph
        long hit = 0;
        long want = 0;
        for (int q = 0; q < sample; q++) {
            int i = r.nextInt(n);
            if (!knn.contains(i)) {
                continue;
            }
            Neighbours truth = new Neighbours(1, k);
            for (int j = 0; j < n; j++) {
                if (j != i && knn.contains(j)) {
                    float sim = knn.similarity(i, j);
                    if (sim > 0) {
                        truth.offer(0, j, sim);
                    }
                }
            }
            int[] got = knn.neighbours().ids(i);
            for (int t : truth.ids(0)) {
                want++;
                for (int g : got) {
                    if (g == t) {
                        hit++;
                        break;
                    }
                }
            }
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("items", items);
        res.put("content_dim", dim);
        res.put("k", k);
        res.put("mode", knn.exact() ? "exact" : "hnsw");
        res.put("build_seconds", TrainCommand.round(build));
        res.put("arrivals", arrivals);
        res.put("arrival_ms_p50", ms(Percentiles.of(add, 0.5)));
        res.put("arrival_ms_p99", ms(Percentiles.of(add, 0.99)));
        res.put("hnsw_searches_per_arrival", arrivals == 0 ? 0 : TrainCommand.round((double) searchesAdd / arrivals));
        res.put("withdrawals", withdrawals);
        res.put("withdrawal_ms_p50", ms(Percentiles.of(rem, 0.5)));
        res.put("withdrawal_ms_p99", ms(Percentiles.of(rem, 0.99)));
        res.put(
                "hnsw_searches_per_withdrawal",
                withdrawals == 0 ? 0 : TrainCommand.round((double) searchesRemove / withdrawals));
        res.put("recall_at_k", want == 0 ? null : TrainCommand.round((double) hit / want));
        res.put("recall_sample_lists", sample);
        res.put("heap_mb_after_build_and_updates", heap >> 20);
        res.put("peak_rss_mb", ResidentMemory.peakKb() / 1024);
        res.put("command", System.getProperty("streamrec.command", "streamrec bench-item-graph"));
        String json =
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(res);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
        return 0;
    }

    private static double ms(double seconds) {
        return TrainCommand.round(seconds * 1000);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
