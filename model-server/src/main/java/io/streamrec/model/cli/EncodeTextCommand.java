package io.streamrec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.model.data.DatasetFormatException;
import io.streamrec.model.data.NpyMatrix;
import io.streamrec.model.text.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code encode-text}: item texts to MiniLM vectors in a .npy matrix, with the throughput.
 */
@Command(
        name = "encode-text",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Encodes item texts with all-MiniLM-L6-v2 (offline, DJL + ONNX Runtime) into a float32 .npy "
                + "matrix (384 columns; a zero row where an item has no text) and reports texts/s.")
public final class EncodeTextCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeTextCommand.class);

    @Option(
            names = "--input",
            required = true,
            paramLabel = "TSV",
            description = "Texts: a TSV with a header line, the id in the first column and the text in the second.")
    Path input;

    @Option(
            names = "--index",
            paramLabel = "TSV",
            description =
                    "Optional row order: a TSV with a header, row index in the first column and the id in the second "
                            + "(e.g. lfm2k's item_index_to_artist.tsv). Without it, rows follow the input.")
    Path index;

    @Option(names = "--out", required = true, paramLabel = "NPY", description = "Output matrix (.npy, float32).")
    Path out;

    @Option(
            names = "--batch-size",
            defaultValue = "16",
            description = "Texts per inference batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--text-weights",
            defaultValue = "float",
            description =
                    "Model weights: float (float32) or int8 (dynamically quantized: ~1.5-1.9x faster here, but cosine to "
                            + "the float vectors only 0.975-1.0 on lfm2k, so the model server stays on float). Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(
            names = "--onnx-threads",
            defaultValue = "0",
            description =
                    "ONNX Runtime intra-op threads (0: its default; 2 on 2 cores encodes titles ~1.4x faster, same vectors). "
                            + "Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--compare-with",
            paramLabel = "NPY",
            description =
                    "Report the cosine of every row with this matrix's same row (e.g. the float model's output), rows "
                            + "without text left out.")
    Path compareWith;

    @Option(
            names = "--model-cache",
            defaultValue = "${sys:user.home}/.cache/streamrec/models",
            description = "Where the bundled ONNX model is unpacked once (default: ${DEFAULT-VALUE}).")
    Path modelCache;

    @Option(names = "--results", paramLabel = "FILE", description = "Write texts/s and counts as JSON here.")
    Path results;

    @Override
    public Integer call() throws IOException {
        Map<String, String> textById = new HashMap<>();
        List<String> ids = new ArrayList<>();
        List<String> lines = Files.readAllLines(input);
        for (int k = 1; k < lines.size(); k++) {
            String line = lines.get(k);
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new DatasetFormatException(input, k + 1, "expected 'id<TAB>text'");
            }
            String id = line.substring(0, tab);
            if (textById.put(id, line.substring(tab + 1)) != null) {
                throw new DatasetFormatException(input, k + 1, "id '" + id + "' appears twice");
            }
            ids.add(id);
        }
        if (index != null) {
            ids = new ArrayList<>();
            List<String> rows = Files.readAllLines(index);
            for (int k = 1; k < rows.size(); k++) {
                String[] f = rows.get(k).split("\t");
                if (f.length < 2 || !f[0].equals(String.valueOf(ids.size()))) {
                    throw new DatasetFormatException(
                            index, k + 1, "expected 'row<TAB>id' with rows 0, 1, 2, ... in order");
                }
                ids.add(f[1]);
            }
        }
        List<String> texts = new ArrayList<>(ids.size());
        for (String id : ids) {
            texts.add(textById.getOrDefault(id, ""));
        }
        long missing = texts.stream().filter(t -> t.isBlank()).count();
        LOG.info("{} rows, {} with text, {} without (zero rows)", texts.size(), texts.size() - missing, missing);

        float[][] vectors = new float[texts.size()][];
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < texts.size(); k++) {
            order.add(k);
        }
        order.sort(Comparator.comparingInt(k -> texts.get(k).length()));
        long t0;
        long truncated;
        TextEncoder.Weights w = TrainCommand.enumOf(TextEncoder.Weights.class, weights, "--text-weights");
        try (TextEncoder encoder = TextEncoder.open(modelCache, batchSize, w, threads)) {
            ProgressBar bar = new ProgressBar("encode");
            bar.start();
            t0 = System.nanoTime();
            int chunk = Math.max(batchSize * 4, 64);
            for (int from = 0; from < order.size(); from += chunk) {
                List<Integer> part = order.subList(from, Math.min(order.size(), from + chunk));
                float[][] v = encoder.encode(part.stream().map(texts::get).toList());
                for (int k = 0; k < part.size(); k++) {
                    vectors[part.get(k)] = v[k];
                }
                bar.update(from + part.size(), order.size(), "");
            }
            truncated = encoder.truncated();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        NpyMatrix.write(out, vectors, TextEncoder.DIM);
        long encoded = texts.size() - missing;
        LOG.info(
                "Encoded {} texts in {} s: {} texts/s ({} truncated to {} tokens); wrote {}",
                encoded,
                TrainCommand.fmt(seconds),
                Math.round(encoded / seconds),
                truncated,
                TextEncoder.MAX_TOKENS,
                out);
        double[] cos = compareWith == null ? null : cosines(vectors, compareWith);
        if (cos != null) {
            LOG.info(
                    "Cosine with {} over {} rows: mean {}, min {}, {} rows below 0.99",
                    compareWith,
                    (long) cos[3],
                    String.format("%.6f", cos[0]),
                    String.format("%.6f", cos[1]),
                    (long) cos[2]);
        }
        if (results != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", "all-MiniLM-L6-v2 (ONNX, DJL OnnxRuntime engine)");
            r.put("weights", w.name().toLowerCase(Locale.ROOT));
            r.put("onnx_threads", threads == 0 ? "default" : String.valueOf(threads));
            if (cos != null) {
                r.put("compared_with", compareWith.toString());
                r.put("cosine_mean", cos[0]);
                r.put("cosine_min", cos[1]);
                r.put("rows_below_0_99", (long) cos[2]);
            }
            r.put("texts", encoded);
            r.put("rows_without_text", missing);
            r.put("truncated_to_" + TextEncoder.MAX_TOKENS + "_tokens", truncated);
            r.put("batch_size", batchSize);
            r.put("seconds", TrainCommand.round(seconds));
            r.put("texts_per_second", Math.round(encoded / seconds * 10) / 10.0);
            r.put(
                    "mean_characters",
                    Math.round(texts.stream().mapToInt(String::length).average().orElse(0)));
            r.put("cpus", Runtime.getRuntime().availableProcessors());
            r.put("command", System.getProperty("streamrec.command", "streamrec encode-text"));
            Files.createDirectories(results.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(results.toFile(), r);
        }
        return 0;
    }

    /** Mean and min cosine of each row with the same row of {@code file}, rows below 0.99, rows compared (rows with text). */
    private static double[] cosines(float[][] vectors, Path file) throws IOException {
        NpyMatrix other = NpyMatrix.read(file);
        if (other.rows() != vectors.length || other.cols() != TextEncoder.DIM) {
            throw new DatasetFormatException(
                    file,
                    0,
                    "expected " + vectors.length + " x " + TextEncoder.DIM + ", found " + other.rows() + " x "
                            + other.cols());
        }
        double sum = 0;
        double min = 1;
        long below = 0;
        long n = 0;
        for (int r = 0; r < vectors.length; r++) {
            float[] a = vectors[r];
            float[] b = other.row(r);
            if (a == null) {
                continue;
            }
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int c = 0; c < a.length; c++) {
                dot += a[c] * b[c];
                na += a[c] * a[c];
                nb += b[c] * b[c];
            }
            double cos = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
            sum += cos;
            min = Math.min(min, cos);
            below += cos < 0.99 ? 1 : 0;
            n++;
        }
        return new double[] {n == 0 ? 1 : sum / n, min, below, n};
    }
}
