package io.streamrec.model.cli;

import io.streamrec.common.Defaults;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import picocli.CommandLine.Option;

/** The graph-fusion models' settings (picocli mixin of {@code train}, {@code cold-start} and {@code serve}). */
public final class GraphFusionOptions {
    @Option(
            names = "--knn-k",
            defaultValue = Defaults.KNN_K,
            description = "mmgef/rednd: content neighbours per item (default: ${DEFAULT-VALUE}).")
    int knnK;

    @Option(
            names = "--knn-exact-below",
            defaultValue = Defaults.KNN_EXACT_BELOW,
            description =
                    "mmgef/rednd: the content kNN graph is exact up to this many items, HNSW above (default: ${DEFAULT-VALUE}).")
    int knnExactBelow;

    @Option(
            names = "--co-k",
            defaultValue = "10",
            description = "mmgef: co-interaction neighbours per item (default: ${DEFAULT-VALUE}).")
    int coK;

    @Option(
            names = "--co-cap",
            defaultValue = "200",
            description =
                    "mmgef: items of one user counted for co-interaction, a seeded sample above it (default: ${DEFAULT-VALUE}).")
    int coCap;

    @Option(
            names = "--item-layers",
            defaultValue = "1",
            description = "mmgef: GCN hops over the item-item graph (default: ${DEFAULT-VALUE}).")
    int itemLayers;

    @Option(
            names = "--ssl-weight",
            defaultValue = "1e-3",
            description = "rednd: weight of the InfoNCE alignment term (default: ${DEFAULT-VALUE}).")
    double sslWeight;

    @Option(
            names = "--temperature",
            defaultValue = "0.2",
            description = "rednd: InfoNCE temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(
            names = "--ssl-nodes",
            defaultValue = "1024",
            description =
                    "rednd: InfoNCE over at most this many of the batch's distinct nodes, the others of them as negatives (default: ${DEFAULT-VALUE}).")
    int sslNodes;

    @Option(
            names = "--id-channel",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description =
                    "rednd: add LightGCN's id embeddings as one more channel (--no-id-channel: content channels only, as the reference) (default: ${DEFAULT-VALUE}).")
    boolean idChannel;

    @Option(
            names = "--modality-weights",
            defaultValue = "learned",
            paramLabel = "learned|NAME=W,...",
            description =
                    "rednd: mix of the per-modality item-item graphs, learned (softmax) or fixed weights (default: ${DEFAULT-VALUE}).")
    String modalityWeights;

    /** The settings for {@code kind}. */
    public GraphFusionConfig config(GraphFusionConfig.Kind kind) {
        return new GraphFusionConfig(
                kind,
                knnK,
                coK,
                coCap,
                knnExactBelow,
                itemLayers,
                sslWeight,
                temperature,
                sslNodes,
                idChannel,
                modalityWeights);
    }
}
