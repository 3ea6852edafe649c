package io.streamrec.flink.serving;

import java.io.Serializable;
import java.time.Duration;

/**
 * Serving and rolling evaluation settings of the graph job.
 *
 * @param enabled read model versions from the embeddings topic, score events and publish top-K
 * @param topK how many items a recommendation lists, and the K of NDCG@K / HitRate@K
 * @param countWindow a metric point per model version every this many scored events
 * @param timeWindow ...and per tumbling window of this much event time
 */
public record ServingConfig(boolean enabled, int topK, int countWindow, Duration timeWindow) implements Serializable {
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
  }

  public static ServingConfig defaults() {
    return new ServingConfig(true, 10, 1000, Duration.ofMinutes(1));
  }

  public static ServingConfig disabled() {
    return new ServingConfig(false, 10, 1000, Duration.ofMinutes(1));
  }
}
