package io.streamrec.model.cli;

import io.streamrec.model.data.InteractionData;
import io.streamrec.model.multimodal.ContentMap;
import io.streamrec.model.multimodal.ModalityVectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code --cold-map} option shared by {@code train} and {@code cold-start}. */
final class ColdMaps {
    private static final Logger LOG = LoggerFactory.getLogger(ColdMaps.class);

    private ColdMaps() {}

    /** true for ridge, false for none. */
    static boolean parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "ridge" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("--cold-map '" + value + "' is not one of none, ridge");
        };
    }

    /** Items with at least one training interaction. */
    static boolean[] withEdges(InteractionData d) {
        boolean[] has = new boolean[d.numItems()];
        for (int[] items : d.train()) {
            for (int i : items) {
                has[i] = true;
            }
        }
        return has;
    }

    /**
     * Fits a {@link ContentMap} on the items with training interactions and writes its prediction
     * into {@code fin}'s rows of the items without; returns what the saved model records.
     */
    static Map<String, Object> apply(
            List<ModalityVectors> modalities, float[] fin, InteractionData d, int dim, long seed) {
        boolean[] warm = withEdges(d);
        ContentMap map = ContentMap.fit(modalities, fin, d.numUsers(), dim, warm, seed);
        boolean[] cold = new boolean[warm.length];
        for (int i = 0; i < warm.length; i++) {
            cold[i] = !warm[i];
        }
        int n = map.applyTo(fin, d.numUsers(), cold);
        Map<String, Object> m = new LinkedHashMap<>(map.describe());
        m.put("items_mapped", n);
        LOG.info(
                "Cold map: ridge λ={} (cross-validated MSE {} vs {} for the mean item), {} items without interactions mapped from content",
                map.lambda(),
                m.get("cv_mse"),
                m.get("mean_item_mse"),
                n);
        return m;
    }
}
