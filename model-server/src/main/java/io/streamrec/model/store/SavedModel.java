package io.streamrec.model.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model on disk: a directory with
 * <ul>
 *   <li>{@code model.json}: format name and version, numUsers, numItems, dim, layers, the
 *       training configuration, epochs trained and the last metrics;
 *   <li>{@code embeddings.f32}: the trainable layer-0 table E⁽⁰⁾, what a warm start resumes from;
 *   <li>{@code final.f32}: the propagated embeddings E that scoring uses.
 * </ul>
 * Both {@code .f32} files are raw little-endian float32, N×d row-major, N = numUsers + numItems,
 * users first (row u = user u, row numUsers + i = item i), no header. Files are written to a
 * temporary name and moved into place, so a reader never sees half a model.
 *
 * <p>Format version 2 adds {@code model} (lightgcn, lf, mmgef or rednd: which model was trained),
 * {@code final_dim} (the columns of {@code final.f32}, RedND's channels × d) and {@code parameters}
 * (name → [rows, cols]) for a graph-fusion model's other trainable tensors, each in {@code
 * param-NAME.f32} in the same layout; {@code embeddings.f32} is absent for a model without an id
 * table. Version 1 files read as {@code lightgcn} (or {@code lf} when their config names a fusion).
 */
public record SavedModel(
        int numUsers,
        int numItems,
        int dim,
        int layers,
        int epochs,
        Map<String, Object> config,
        Map<String, Object> metrics,
        float[] table,
        float[] finalEmbeddings,
        String model,
        int finalDim,
        Map<String, float[]> parameters,
        Map<String, int[]> shapes) {

    public static final String FORMAT = "streamrec-lightgcn";
    public static final int FORMAT_VERSION = 2;

    /** A LightGCN or late-fusion model: the id table and the final embeddings, both N×d. */
    public SavedModel(
            int numUsers,
            int numItems,
            int dim,
            int layers,
            int epochs,
            Map<String, Object> config,
            Map<String, Object> metrics,
            float[] table,
            float[] finalEmbeddings) {
        this(
                numUsers,
                numItems,
                dim,
                layers,
                epochs,
                config,
                metrics,
                table,
                finalEmbeddings,
                config.containsKey("fusion") ? "lf" : "lightgcn",
                dim,
                Map.of(),
                Map.of());
    }

    public static final String META = "model.json";
    public static final String TABLE = "embeddings.f32";
    public static final String FINAL = "final.f32";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            if (table != null) {
                writeFloats(dir.resolve(TABLE), table);
            }
            writeFloats(dir.resolve(FINAL), finalEmbeddings);
            Map<String, Object> shapeMeta = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> p : parameters.entrySet()) {
                int[] sh = shapes.get(p.getKey());
                if (sh == null || (long) sh[0] * sh[1] != p.getValue().length) {
                    throw new IllegalArgumentException("parameter " + p.getKey() + ": shape does not match its "
                            + p.getValue().length + " values");
                }
                writeFloats(dir.resolve(paramFile(p.getKey())), p.getValue());
                shapeMeta.put(p.getKey(), List.of(sh[0], sh[1]));
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("format_version", FORMAT_VERSION);
            meta.put("num_users", numUsers);
            meta.put("num_items", numItems);
            meta.put("dim", dim);
            meta.put("layers", layers);
            meta.put("epochs", epochs);
            meta.put("model", model);
            meta.put("final_dim", finalDim);
            meta.put("id_table", table != null);
            meta.put("parameters", shapeMeta);
            meta.put("layout", "float32 little-endian, (num_users + num_items) x dim, row-major, users first");
            meta.put("config", config);
            meta.put("metrics", metrics);
            Path tmp = dir.resolve(META + ".tmp");
            JSON.writeValue(tmp.toFile(), meta);
            Files.move(tmp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir, e);
        }
    }

    public static SavedModel load(Path dir) {
        Path metaFile = dir.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            throw new IllegalArgumentException(dir + ": not a saved model (no " + META + ")");
        }
        Map<String, Object> meta;
        try {
            meta = JSON.readValue(metaFile.toFile(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException(metaFile + ": unreadable: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IllegalArgumentException(
                    metaFile + ": format is '" + meta.get("format") + "', expected '" + FORMAT + "'");
        }
        int version = intOf(meta, "format_version", metaFile);
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    metaFile + ": format version " + version + " is newer than this reader (" + FORMAT_VERSION + ")");
        }
        int users = intOf(meta, "num_users", metaFile);
        int items = intOf(meta, "num_items", metaFile);
        int dim = intOf(meta, "dim", metaFile);
        int layers = intOf(meta, "layers", metaFile);
        int epochs = intOf(meta, "epochs", metaFile);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) meta.getOrDefault("config", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) meta.getOrDefault("metrics", Map.of());
        long expected = (long) (users + items) * dim;
        if (version == 1) {
            return new SavedModel(
                    users,
                    items,
                    dim,
                    layers,
                    epochs,
                    config,
                    metrics,
                    readFloats(dir.resolve(TABLE), expected),
                    readFloats(dir.resolve(FINAL), expected));
        }
        String model = String.valueOf(meta.get("model"));
        int finalDim = intOf(meta, "final_dim", metaFile);
        float[] table = Boolean.FALSE.equals(meta.get("id_table")) ? null : readFloats(dir.resolve(TABLE), expected);
        float[] fin = readFloats(dir.resolve(FINAL), (long) (users + items) * finalDim);
        Map<String, float[]> params = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Object ps = meta.getOrDefault("parameters", Map.of());
        if (!(ps instanceof Map<?, ?> pm)) {
            throw new IllegalArgumentException(metaFile + ": 'parameters' is not an object");
        }
        for (Map.Entry<?, ?> e : pm.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof List<?> l)
                    || l.size() != 2
                    || !(l.get(0) instanceof Number r)
                    || !(l.get(1) instanceof Number c)) {
                throw new IllegalArgumentException(metaFile + ": parameter '" + name + "' needs a shape [rows, cols]");
            }
            shapes.put(name, new int[] {r.intValue(), c.intValue()});
            params.put(name, readFloats(dir.resolve(paramFile(name)), (long) r.intValue() * c.intValue()));
        }
        return new SavedModel(
                users, items, dim, layers, epochs, config, metrics, table, fin, model, finalDim, params, shapes);
    }

    /** The file of a named parameter (names are [A-Za-z0-9._-]). */
    static String paramFile(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("parameter name '" + name + "' must be of A-Z, a-z, 0-9, '.', '_', '-'");
        }
        return "param-" + name + ".f32";
    }

    private static int intOf(Map<String, Object> meta, String key, Path file) {
        Object v = meta.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(file + ": missing or non-numeric '" + key + "'");
        }
        return n.intValue();
    }

    static void writeFloats(Path file, float[] values) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static float[] readFloats(Path file, long expectedCount) {
        try {
            long size = Files.size(file);
            if (size != expectedCount * Float.BYTES) {
                throw new IllegalArgumentException(
                        file + ": " + size + " bytes, expected " + expectedCount * Float.BYTES + " (" + expectedCount
                                + " float32 values as model.json describes)");
            }
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[(int) expectedCount];
            buf.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
