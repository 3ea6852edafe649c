package io.streamrec.model.graphfusion;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the graph-fusion models (MM-GEF, RedND) beyond LightGCN's (dimension, layers, lr,
 * batch, λ, seed and negatives come from {@link io.streamrec.model.lightgcn.LightGcnConfig}).
 *
 * @param kind which model
 * @param knnK content neighbours per item (top-k cosine)
 * @param coK co-interaction neighbours per item (MM-GEF)
 * @param coCap items of one user counted for co-interaction (a seeded sample above it)
 * @param exactBelow the content kNN graph is exact up to this many items, HNSW above
 * @param itemLayers GCN hops over the item–item graph (MM-GEF; RedND's reference uses 1)
 * @param sslWeight λ_ssl of RedND's InfoNCE term
 * @param temperature τ of the InfoNCE term
 * @param sslNodes the InfoNCE term takes at most this many of the batch's distinct nodes (its cost is their square)
 * @param idChannel RedND: add a LightGCN id-embedding channel to the modality channels
 * @param modalityWeights RedND's item–item graph mix: "learned" (softmax of trained logits) or
 *     fixed "name=w,..." weights
 */
public record GraphFusionConfig(
        Kind kind,
        int knnK,
        int coK,
        int coCap,
        int exactBelow,
        int itemLayers,
        double sslWeight,
        double temperature,
        int sslNodes,
        boolean idChannel,
        String modalityWeights) {

    /** The models. */
    public enum Kind {
        MMGEF,
        REDND;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.wireName().equals(s.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("graph-fusion model '" + s + "' is not one of mmgef, rednd");
        }
    }

    public GraphFusionConfig {
        if (knnK < 1 || coK < 1 || coCap < 2 || exactBelow < 0 || itemLayers < 1) {
            throw new IllegalArgumentException("graph-fusion settings out of range: knn-k " + knnK + ", co-k " + coK
                    + ", co-cap " + coCap + ", exact-below " + exactBelow + ", item-layers " + itemLayers);
        }
        if (!(sslWeight >= 0) || !(temperature > 0) || sslNodes < 2) {
            throw new IllegalArgumentException("--ssl-weight must be >= 0, --temperature > 0 and --ssl-nodes >= 2, got "
                    + sslWeight + ", " + temperature + ", " + sslNodes);
        }
    }

    public static GraphFusionConfig defaults(Kind kind) {
        return new GraphFusionConfig(kind, 10, 10, 200, 5000, 1, 1e-3, 0.2, 1024, true, "learned");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", kind.wireName());
        m.put("knn_k", knnK);
        m.put("knn_exact_below", exactBelow);
        m.put("item_layers", itemLayers);
        if (kind == Kind.MMGEF) {
            m.put("co_k", coK);
            m.put("co_cap", coCap);
        } else {
            m.put("ssl_weight", sslWeight);
            m.put("temperature", temperature);
            m.put("ssl_nodes", sslNodes);
            m.put("id_channel", idChannel);
            m.put("modality_weights", modalityWeights);
        }
        return m;
    }
}
