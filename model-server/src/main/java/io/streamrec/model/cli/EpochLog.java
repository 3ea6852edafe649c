package io.streamrec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.model.eval.RankingMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Per-epoch metrics in the layout of the study's reference logs: line 1 the run's
 * configuration as JSON, then a TSV header {@code Epoch T-Loss V-Loss Precision@5 Recall@5
 * NDCG@5 ...} and one row per evaluated epoch, 4 decimals. Flushed after every row, so a
 * long run can be watched with {@code tail -f}.
 */
final class EpochLog implements AutoCloseable {
    private final Writer out;
    private final int[] ks;

    EpochLog(Path file, Map<String, Object> config, int[] ks) {
        this.ks = ks.clone();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(new ObjectMapper().writeValueAsString(config) + "\n");
            StringBuilder h = new StringBuilder("Epoch\tT-Loss\tV-Loss");
            for (int k : ks) {
                h.append("\tPrecision@")
                        .append(k)
                        .append("\tRecall@")
                        .append(k)
                        .append("\tNDCG@")
                        .append(k);
            }
            out.write(h.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void row(int epoch, double trainLoss, double validationLoss, RankingMetrics m) {
        StringBuilder r = new StringBuilder()
                .append(epoch)
                .append('\t')
                .append(fmt(trainLoss))
                .append('\t')
                .append(fmt(validationLoss));
        for (int k : ks) {
            r.append('\t')
                    .append(fmt(m.precision(k)))
                    .append('\t')
                    .append(fmt(m.recall(k)))
                    .append('\t')
                    .append(fmt(m.ndcg(k)));
        }
        try {
            out.write(r.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        // The reference logs drop trailing zeros (0.0820 is written 0.082).
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", ".0") : s;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
