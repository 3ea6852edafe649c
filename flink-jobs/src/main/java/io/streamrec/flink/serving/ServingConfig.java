package io.streamrec.flink.serving;

import io.streamrec.serving.AnnIndex;
import io.streamrec.serving.RankSample;
import io.streamrec.serving.ServedCatalog;
import java.io.Serializable;
import java.time.Duration;

/**
 * Serving and rolling evaluation settings of the graph job ({@link ServingOptions} documents each
 * as an option; docs/CONFIGURATION.md).
 *
 * @param enabled read model versions from the embeddings topic, score events and publish top-K
 * @param topK how many items a recommendation lists, and the K of NDCG@K / HitRate@K
 * @param countWindow a metric point per model version every this many scored events (at least)
 * @param timeWindow ...and per tumbling window of this much event time
 * @param rankSampleRate share of new edges whose exact rank is computed, NaN for automatic
 * @param rankBudget automatic sampling: about this many items scanned per event on average
 * @param annMinItems catalogs of at least this many items get an HNSW index; smaller ones an exact scan
 * @param hnswM HNSW neighbours per node
 * @param hnswBeamWidth HNSW construction beam width
 * @param hnswEf HNSW search beam width (candidates kept; the over-fetch past K)
 * @param popularityHalfLife half-life, in event time, of the most-popular baseline's counts
 */
public record ServingConfig(
        boolean enabled,
        int topK,
        int countWindow,
        Duration timeWindow,
        double rankSampleRate,
        int rankBudget,
        int annMinItems,
        int hnswM,
        int hnswBeamWidth,
        int hnswEf,
        Duration popularityHalfLife)
        implements Serializable {
    public static final int DEFAULT_ANN_MIN_ITEMS = 5_000;
    public static final Duration DEFAULT_POPULARITY_HALF_LIFE = Duration.ofMinutes(30);

    public ServingConfig {
        if (topK < 1 || topK > 1000) {
            throw new IllegalArgumentException("top-K must be between 1 and 1000, got " + topK);
        }
        if (countWindow < 1) {
            throw new IllegalArgumentException("count window must be at least 1 event, got " + countWindow);
        }
        if (timeWindow.isNegative() || timeWindow.isZero()) {
            throw new IllegalArgumentException("time window must be positive, got " + timeWindow);
        }
        if (popularityHalfLife.isNegative() || popularityHalfLife.isZero()) {
            throw new IllegalArgumentException("popularity half-life must be positive, got " + popularityHalfLife);
        }
        new RankSample(rankSampleRate, rankBudget); // validates
        new ServedCatalog.Settings(annMinItems, new AnnIndex.Settings(hnswM, hnswBeamWidth, hnswEf, 42));
    }

    /** The given switches with every other setting at its default. */
    public ServingConfig(boolean enabled, int topK, int countWindow, Duration timeWindow) {
        this(
                enabled,
                topK,
                countWindow,
                timeWindow,
                Double.NaN,
                RankSample.DEFAULT_BUDGET,
                DEFAULT_ANN_MIN_ITEMS,
                AnnIndex.Settings.defaults().maxConn(),
                AnnIndex.Settings.defaults().beamWidth(),
                AnnIndex.Settings.defaults().efSearch(),
                DEFAULT_POPULARITY_HALF_LIFE);
    }

    public static ServingConfig defaults() {
        return new ServingConfig(true, 10, 1000, Duration.ofMinutes(1));
    }

    public static ServingConfig disabled() {
        return new ServingConfig(false, 10, 1000, Duration.ofMinutes(1));
    }

    public RankSample rankSample() {
        return new RankSample(rankSampleRate, rankBudget);
    }

    public ServedCatalog.Settings catalog() {
        return new ServedCatalog.Settings(annMinItems, new AnnIndex.Settings(hnswM, hnswBeamWidth, hnswEf, 42));
    }

    public ServingConfig withRankSampleRate(double r) {
        return new ServingConfig(
                enabled,
                topK,
                countWindow,
                timeWindow,
                r,
                rankBudget,
                annMinItems,
                hnswM,
                hnswBeamWidth,
                hnswEf,
                popularityHalfLife);
    }

    public ServingConfig withAnnMinItems(int n) {
        return new ServingConfig(
                enabled,
                topK,
                countWindow,
                timeWindow,
                rankSampleRate,
                rankBudget,
                n,
                hnswM,
                hnswBeamWidth,
                hnswEf,
                popularityHalfLife);
    }
}
