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
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code encode-text}: item texts to MiniLM vectors in a .npy matrix, with the throughput.
 */
@Command(name = "encode-text", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Encodes item texts with all-MiniLM-L6-v2 (offline, DJL + ONNX Runtime) into a float32 .npy "
        + "matrix (384 columns; a zero row where an item has no text) and reports texts/s.")
public final class EncodeTextCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EncodeTextCommand.class);

  @Option(names = "--input", required = true, paramLabel = "TSV",
      description = "Texts: a TSV with a header line, the id in the first column and the text in the second.")
  Path input;

  @Option(names = "--index", paramLabel = "TSV",
      description = "Optional row order: a TSV with a header, row index in the first column and the id in the second "
          + "(e.g. lfm2k's item_index_to_artist.tsv). Without it, rows follow the input.")
  Path index;

  @Option(names = "--out", required = true, paramLabel = "NPY", description = "Output matrix (.npy, float32).")
  Path out;

  @Option(names = "--batch-size", defaultValue = "16", description = "Texts per inference batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--model-cache", defaultValue = "${sys:user.home}/.cache/streamrec/models",
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
          throw new DatasetFormatException(index, k + 1, "expected 'row<TAB>id' with rows 0, 1, 2, ... in order");
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
    try (TextEncoder encoder = TextEncoder.open(modelCache, batchSize)) {
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
    LOG.info("Encoded {} texts in {} s: {} texts/s ({} truncated to {} tokens); wrote {}", encoded,
        TrainCommand.fmt(seconds), Math.round(encoded / seconds), truncated, TextEncoder.MAX_TOKENS, out);
    if (results != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("model", "all-MiniLM-L6-v2 (ONNX, DJL OnnxRuntime engine)");
      r.put("texts", encoded);
      r.put("rows_without_text", missing);
      r.put("truncated_to_" + TextEncoder.MAX_TOKENS + "_tokens", truncated);
      r.put("batch_size", batchSize);
      r.put("seconds", TrainCommand.round(seconds));
      r.put("texts_per_second", Math.round(encoded / seconds * 10) / 10.0);
      r.put("mean_characters", Math.round(texts.stream().mapToInt(String::length).average().orElse(0)));
      r.put("cpus", Runtime.getRuntime().availableProcessors());
      r.put("command", System.getProperty("streamrec.command", "streamrec encode-text"));
      Files.createDirectories(results.toAbsolutePath().getParent());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(results.toFile(), r);
    }
    return 0;
  }
}
