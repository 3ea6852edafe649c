package io.streamrec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.model.eval.RankingMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One result under bench/results/: {@code {"dataset", "model", "layers", "epochs", "metrics":
 * {"precision@20", "recall@20", "ndcg@20", "ndcg@10"}, "seconds", "command"}}.
 */
final class ResultsFile {
    private ResultsFile() {}

    static void write(
            Path file,
            String dataset,
            String model,
            int layers,
            int epochs,
            RankingMetrics test,
            double seconds,
            String command,
            Map<String, Object> extra)
            throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dataset", dataset);
        r.put("model", model);
        r.put("layers", layers);
        r.put("epochs", epochs);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision@20", round(test.precision(20)));
        m.put("recall@20", round(test.recall(20)));
        m.put("ndcg@20", round(test.ndcg(20)));
        m.put("ndcg@10", round(test.ndcg(10)));
        m.put("precision@10", round(test.precision(10)));
        m.put("recall@10", round(test.recall(10)));
        r.put("metrics", m);
        r.put("seconds", Math.round(seconds * 10) / 10.0);
        r.put("command", command);
        r.putAll(extra);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r);
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** {@code m} with every Double value {@link #round}ed, in the same order. */
    static Map<String, Object> rounded(Map<String, Object> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, v instanceof Double d ? round(d) : v));
        return r;
    }
}
