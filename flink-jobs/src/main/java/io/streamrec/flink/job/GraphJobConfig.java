package io.streamrec.flink.job;

import io.streamrec.common.Defaults;
import io.streamrec.common.Durations;
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
    /** Where checkpoints go when nothing says otherwise (a path every TaskManager shares on a cluster). */
    public static final String DEFAULT_CHECKPOINT_DIR = "file:///tmp/streamrec/checkpoints";
    /** Kafka transaction timeout of the exactly-once sinks. */
    public static final String DEFAULT_TRANSACTION_TIMEOUT = "10m";

    /**
     * A configuration with every setting at its default (the graph-job command's, {@link Defaults})
     * but the two that have none: where Kafka is and what the topics are called.
     */
    public static Builder builder(String bootstrapServers, Topics topics) {
        return new Builder(bootstrapServers, topics);
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(bootstrapServers, topics);
        b.groupId = groupId;
        b.parallelism = parallelism;
        b.edgesPartitions = edgesPartitions;
        b.triggerEdges = triggerEdges;
        b.triggerInterval = triggerInterval;
        b.validator = validator;
        b.stateTtl = stateTtl;
        b.checkpointDir = checkpointDir;
        b.checkpointInterval = checkpointInterval;
        b.restorePath = restorePath;
        b.transactionTimeout = transactionTimeout;
        b.kafkaProperties = kafkaProperties;
        b.serving = serving;
        b.itemDegrees = itemDegrees;
        return b;
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
        return toBuilder().restorePath(path).build();
    }

    public GraphJobConfig withEdgesPartitions(int n) {
        return toBuilder().edgesPartitions(n).build();
    }

    /** Named settings; each starts at the graph-job command's default. */
    public static final class Builder {
        private final String bootstrapServers;
        private final Topics topics;
        private String groupId = Defaults.GROUP_ID;
        private int parallelism;
        private int edgesPartitions;
        private long triggerEdges = Long.parseLong(Defaults.TRIGGER_EDGES);
        private Duration triggerInterval = Durations.parse(Defaults.TRIGGER_INTERVAL);
        private InteractionValidator validator = InteractionValidator.defaults();
        private Duration stateTtl = Duration.ZERO;
        private String checkpointDir = DEFAULT_CHECKPOINT_DIR;
        private Duration checkpointInterval = Durations.parse(Defaults.CHECKPOINT_INTERVAL);
        private String restorePath;
        private Duration transactionTimeout = Durations.parse(DEFAULT_TRANSACTION_TIMEOUT);
        private Map<String, String> kafkaProperties = Map.of();
        private ServingConfig serving = ServingConfig.defaults();
        private boolean itemDegrees;

        private Builder(String bootstrapServers, Topics topics) {
            this.bootstrapServers = bootstrapServers;
            this.topics = topics;
        }

        public Builder groupId(String v) {
            groupId = v;
            return this;
        }

        /** Parallelism of the keyed stages; 0 is Flink's default. */
        public Builder parallelism(int v) {
            parallelism = v;
            return this;
        }

        public Builder edgesPartitions(int v) {
            edgesPartitions = v;
            return this;
        }

        public Builder triggerEdges(long v) {
            triggerEdges = v;
            return this;
        }

        public Builder triggerInterval(Duration v) {
            triggerInterval = v;
            return this;
        }

        public Builder validator(InteractionValidator v) {
            validator = v;
            return this;
        }

        public Builder stateTtl(Duration v) {
            stateTtl = v;
            return this;
        }

        public Builder checkpointDir(String v) {
            checkpointDir = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder restorePath(String v) {
            restorePath = v;
            return this;
        }

        public Builder transactionTimeout(Duration v) {
            transactionTimeout = v;
            return this;
        }

        public Builder kafkaProperties(Map<String, String> v) {
            kafkaProperties = v;
            return this;
        }

        public Builder serving(ServingConfig v) {
            serving = v;
            return this;
        }

        /** Keep each item's degree in keyed state (a shuffle and a state update per edge). */
        public Builder itemDegrees(boolean v) {
            itemDegrees = v;
            return this;
        }

        public GraphJobConfig build() {
            return new GraphJobConfig(
                    bootstrapServers,
                    topics,
                    groupId,
                    parallelism,
                    edgesPartitions,
                    triggerEdges,
                    triggerInterval,
                    validator,
                    stateTtl,
                    checkpointDir,
                    checkpointInterval,
                    restorePath,
                    transactionTimeout,
                    kafkaProperties,
                    serving,
                    itemDegrees);
        }
    }
}
