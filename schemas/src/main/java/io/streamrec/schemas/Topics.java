package io.streamrec.schemas;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Every topic streamrec reads or writes, dot-separated under one prefix ({@code topics.prefix},
 * default {@value #DEFAULT_PREFIX}). Settings (partitions, compaction) are the provisioner's.
 */
public final class Topics implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String DEFAULT_PREFIX = "streamrec.";

    private final String prefix;

    public Topics(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.isEmpty() && !prefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "topic prefix '" + prefix + "' may only use letters, digits, '.', '_' and '-'");
        }
        this.prefix = prefix;
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /** Interaction events in (Avro or JSON), keyed by user id. */
    public String interactions() {
        return prefix + "interactions";
    }

    /** Item catalog (compacted, keyed by item id). */
    public String items() {
        return prefix + "items";
    }

    /** The edge changelog with CUT markers ({@code GraphChange}). */
    public String graphEdges() {
        return prefix + "graph.edges";
    }

    /** Training triggers ({@code TrainingTrigger}). */
    public String trainingTriggers() {
        return prefix + "training.triggers";
    }

    /** Embedding versions from the model server (compacted). */
    public String embeddings() {
        return prefix + "embeddings";
    }

    public String recommendations() {
        return prefix + "recommendations";
    }

    public String metrics() {
        return prefix + "metrics";
    }

    /** Dead letters ({@code DeadLetter}). */
    public String deadLetters() {
        return prefix + "dlq";
    }

    public List<String> all() {
        return List.of(
                interactions(),
                items(),
                graphEdges(),
                trainingTriggers(),
                embeddings(),
                recommendations(),
                metrics(),
                deadLetters());
    }

    @Override
    public String toString() {
        return "Topics[" + prefix + "*]";
    }
}
