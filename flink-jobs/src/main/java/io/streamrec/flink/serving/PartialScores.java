package io.streamrec.flink.serving;

import io.streamrec.serving.RankingMetrics;

/**
 * Sums of the scores one serving task made for one model version in one event-time window, since
 * its last flush ({@link ScoresPreAggregator}): what the rolling metrics combine, so no single key
 * sees every scored event; {@link RollingMetricsFunction} sums them again per window. A Flink POJO.
 */
public class PartialScores {
    public long version;
    /** Start of the event-time window (epoch ms) of these events. */
    public long windowStart;
    /** New edges summed here, ranked or not. */
    public long events;
    /** Of which ranked. */
    public long n;

    public double ndcg;
    public double hits;
    public long recallN;
    public double recall;
    /** The baselines on the same n ranked events. */
    public double popularNdcg;

    public double popularHits;
    public double randomNdcg;
    public double randomHits;
    /** Paired differences of NDCG@K, model minus most-popular, over the n ranked events: sum and sum of squares. */
    public double popularDiff;

    public double popularDiffSquares;
    /** The previous version ranked on pairN of them: NDCG@K of this version minus that one's, sum and sum of squares. */
    public long previousVersion;

    public long pairN;
    public double pairDiff;
    public double pairDiffSquares;

    public PartialScores() {}

    public PartialScores(long version, long windowStart) {
        this.version = version;
        this.windowStart = windowStart;
    }

    /** Adds one scored event at NDCG@k / HitRate@k. */
    public void add(Scored s, int k) {
        events++;
        if (s.rank == Scored.NOT_RANKED) {
            return;
        }
        n++;
        double model = RankingMetrics.ndcg(s.rank, k);
        ndcg += model;
        hits += RankingMetrics.hit(s.rank, k);
        if (s.annRecall >= 0) {
            recallN++;
            recall += s.annRecall;
        }
        double popular = RankingMetrics.ndcg(s.popularRank, k);
        popularNdcg += popular;
        popularHits += RankingMetrics.hit(s.popularRank, k);
        randomNdcg += RankingMetrics.ndcg(s.randomRank, k);
        randomHits += RankingMetrics.hit(s.randomRank, k);
        popularDiff += model - popular;
        popularDiffSquares += (model - popular) * (model - popular);
        if (s.previousRank != Scored.NOT_RANKED) {
            double d = model - RankingMetrics.ndcg(s.previousRank, k);
            previousVersion = s.previousVersion;
            pairN++;
            pairDiff += d;
            pairDiffSquares += d * d;
        }
    }

    /** Adds another sum (of the same version). */
    public void add(PartialScores p) {
        events += p.events;
        n += p.n;
        ndcg += p.ndcg;
        hits += p.hits;
        recallN += p.recallN;
        recall += p.recall;
        popularNdcg += p.popularNdcg;
        popularHits += p.popularHits;
        randomNdcg += p.randomNdcg;
        randomHits += p.randomHits;
        popularDiff += p.popularDiff;
        popularDiffSquares += p.popularDiffSquares;
        if (p.pairN > 0) {
            previousVersion = p.previousVersion;
        }
        pairN += p.pairN;
        pairDiff += p.pairDiff;
        pairDiffSquares += p.pairDiffSquares;
    }
}
