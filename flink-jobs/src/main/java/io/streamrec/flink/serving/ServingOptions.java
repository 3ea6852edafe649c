package io.streamrec.flink.serving;

import io.streamrec.common.Defaults;
import io.streamrec.common.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The serving options, shared by every command that runs the graph job (picocli mixin). */
public final class ServingOptions {
    @Option(
            names = "--serving",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Serve the model versions on the embeddings topic: score each event before learning it (rolling NDCG/HitRate "
                            + "to the metrics topic) and publish the user's top-K to the recommendations topic. Default: ${DEFAULT-VALUE}.")
    boolean serving;

    @Option(
            names = "--top-k",
            defaultValue = "10",
            description = "Items per recommendation, and the K of NDCG@K and HitRate@K. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(
            names = "--metrics-count-window",
            defaultValue = "1000",
            description =
                    "A rolling-metric point per model version every this many ranked events (at least; the point says how many). "
                            + "Default: ${DEFAULT-VALUE}.")
    int metricsCountWindow;

    @Option(
            names = "--metrics-time-window",
            defaultValue = "1m",
            converter = Durations.class,
            description = "...and per tumbling window of this much event time. Default: ${DEFAULT-VALUE}.")
    Duration metricsTimeWindow;

    @Option(
            names = "--rank-sample",
            defaultValue = "auto",
            paramLabel = "RATE|auto",
            description =
                    "Share of new edges ranked exactly for the rolling metrics, chosen by a hash of the event (deterministic). auto: "
                            + "min(1, rank-budget / catalog size), so ranking costs about the same per event at any catalog size. Default: ${DEFAULT-VALUE}.")
    String rankSample;

    @Option(
            names = "--rank-budget",
            defaultValue = "2000",
            description = "With --rank-sample auto: items scanned per event on average. Default: ${DEFAULT-VALUE}.")
    int rankBudget;

    @Option(
            names = "--ann-min-items",
            defaultValue = "" + ServingConfig.DEFAULT_ANN_MIN_ITEMS,
            description =
                    "Catalogs of at least this many items serve top-K from an HNSW index; smaller ones by an exact scan. Default: ${DEFAULT-VALUE}.")
    int annMinItems;

    @Option(
            names = "--hnsw-m",
            defaultValue = Defaults.HNSW_M,
            description = "HNSW neighbours per node. Default: ${DEFAULT-VALUE}.")
    int hnswM;

    @Option(
            names = "--hnsw-beam-width",
            defaultValue = Defaults.HNSW_BEAM_WIDTH,
            description = "HNSW construction beam width. Default: ${DEFAULT-VALUE}.")
    int hnswBeamWidth;

    @Option(
            names = "--hnsw-ef",
            defaultValue = "40",
            description =
                    "HNSW search beam width to start from: candidates kept per query, seen items skipped; each version's index "
                            + "doubles it (up to 16x) until recall@10 >= 0.95 on probe items. Default: ${DEFAULT-VALUE}.")
    int hnswEf;

    @Option(
            names = "--popularity-half-life",
            defaultValue = "30m",
            converter = Durations.class,
            description =
                    "Half-life, in event time, of the most-popular baseline's counts of new edges (scored beside the model on the "
                            + "same events). Default: ${DEFAULT-VALUE}.")
    Duration popularityHalfLife;

    public ServingConfig config() {
        double rate;
        if (rankSample.equalsIgnoreCase("auto")) {
            rate = Double.NaN;
        } else {
            try {
                rate = Double.parseDouble(rankSample);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--rank-sample: expected a share in (0, 1] or auto, got '" + rankSample + "'");
            }
        }
        return new ServingConfig(
                serving,
                topK,
                metricsCountWindow,
                metricsTimeWindow,
                rate,
                rankBudget,
                annMinItems,
                hnswM,
                hnswBeamWidth,
                hnswEf,
                popularityHalfLife);
    }
}
