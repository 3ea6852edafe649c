package io.streamrec.flink;

import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.schemas.InteractionValidator;
import io.streamrec.schemas.Topics;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the graph job is configured with; {@link GraphJobMain} documents each as an option
 * (docs/CONFIGURATION.md).
 *
 * @param edgesPartitions partitions of the changelog topic (the sequencer writes a CUT to each)
 * @param stateTtl drop an inactive user's adjacency after this long; zero keeps it forever
 * @param restorePath checkpoint or savepoint to start from, or null for a fresh start
 * @param itemDegrees keep each item's degree in keyed state (a shuffle and a state update per edge; nothing reads it yet)
 */
public record GraphJobConfig(
    String bootstrapServers,
    Topics topics,
    String groupId,
    int parallelism,
    int edgesPartitions,
    long triggerEdges,
    Duration triggerInterval,
    InteractionValidator validator,
    Duration stateTtl,
    String checkpointDir,
    Duration checkpointInterval,
    String restorePath,
    Duration transactionTimeout,
    Map<String, String> kafkaProperties,
    ServingConfig serving,
    boolean itemDegrees) {

  /** Without the item-degree stage. */
  public GraphJobConfig(String bootstrapServers, Topics topics, String groupId, int parallelism, int edgesPartitions,
      long triggerEdges, Duration triggerInterval, InteractionValidator validator, Duration stateTtl,
      String checkpointDir, Duration checkpointInterval, String restorePath, Duration transactionTimeout,
      Map<String, String> kafkaProperties, ServingConfig serving) {
    this(bootstrapServers, topics, groupId, parallelism, edgesPartitions, triggerEdges, triggerInterval, validator,
        stateTtl, checkpointDir, checkpointInterval, restorePath, transactionTimeout, kafkaProperties, serving, false);
  }

  /** Serving with its defaults (ServingConfig.defaults()). */
  public GraphJobConfig(String bootstrapServers, Topics topics, String groupId, int parallelism, int edgesPartitions,
      long triggerEdges, Duration triggerInterval, InteractionValidator validator, Duration stateTtl,
      String checkpointDir, Duration checkpointInterval, String restorePath, Duration transactionTimeout,
      Map<String, String> kafkaProperties) {
    this(bootstrapServers, topics, groupId, parallelism, edgesPartitions, triggerEdges, triggerInterval, validator,
        stateTtl, checkpointDir, checkpointInterval, restorePath, transactionTimeout, kafkaProperties,
        ServingConfig.defaults());
  }

  public GraphJobConfig {
    if (triggerEdges < 1) {
      throw new IllegalArgumentException("trigger edges must be at least 1, got " + triggerEdges);
    }
    if (triggerInterval.isNegative() || triggerInterval.isZero()) {
      throw new IllegalArgumentException("trigger interval must be positive, got " + triggerInterval);
    }
    if (checkpointInterval.toMillis() < 10) {
      throw new IllegalArgumentException("checkpoint interval must be at least 10ms, got " + checkpointInterval);
    }
    if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("transaction timeout " + transactionTimeout
          + " must be at least twice the checkpoint interval " + checkpointInterval);
    }
    kafkaProperties = Map.copyOf(kafkaProperties);
  }

  public GraphJobConfig withRestorePath(String path) {
    return new GraphJobConfig(bootstrapServers, topics, groupId, parallelism, edgesPartitions, triggerEdges,
        triggerInterval, validator, stateTtl, checkpointDir, checkpointInterval, path, transactionTimeout,
        kafkaProperties, serving, itemDegrees);
  }

  public GraphJobConfig withEdgesPartitions(int n) {
    return new GraphJobConfig(bootstrapServers, topics, groupId, parallelism, n, triggerEdges, triggerInterval,
        validator, stateTtl, checkpointDir, checkpointInterval, restorePath, transactionTimeout, kafkaProperties, serving, itemDegrees);
  }

  public GraphJobConfig withServing(ServingConfig s) {
    return new GraphJobConfig(bootstrapServers, topics, groupId, parallelism, edgesPartitions, triggerEdges,
        triggerInterval, validator, stateTtl, checkpointDir, checkpointInterval, restorePath, transactionTimeout,
        kafkaProperties, s, itemDegrees);
  }

  public GraphJobConfig withItemDegrees(boolean on) {
    return new GraphJobConfig(bootstrapServers, topics, groupId, parallelism, edgesPartitions, triggerEdges,
        triggerInterval, validator, stateTtl, checkpointDir, checkpointInterval, restorePath, transactionTimeout,
        kafkaProperties, serving, on);
  }
}
