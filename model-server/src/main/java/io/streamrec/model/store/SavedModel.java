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
 */
public record SavedModel(int numUsers, int numItems, int dim, int layers, int epochs,
        Map<String, Object> config, Map<String, Object> metrics, float[] table, float[] finalEmbeddings) {

    public static final String FORMAT = "streamrec-lightgcn";
    public static final int FORMAT_VERSION = 1;
    public static final String META = "model.json";
    public static final String TABLE = "embeddings.f32";
    public static final String FINAL = "final.f32";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            writeFloats(dir.resolve(TABLE), table);
            writeFloats(dir.resolve(FINAL), finalEmbeddings);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("format_version", FORMAT_VERSION);
            meta.put("num_users", numUsers);
            meta.put("num_items", numItems);
            meta.put("dim", dim);
            meta.put("layers", layers);
            meta.put("epochs", epochs);
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
            throw new IllegalArgumentException(metaFile + ": format is '" + meta.get("format") + "', expected '" + FORMAT + "'");
        }
        int version = intOf(meta, "format_version", metaFile);
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException(metaFile + ": format version " + version + " is newer than this reader (" + FORMAT_VERSION + ")");
        }
        int users = intOf(meta, "num_users", metaFile);
        int items = intOf(meta, "num_items", metaFile);
        int dim = intOf(meta, "dim", metaFile);
        int layers = intOf(meta, "layers", metaFile);
        int epochs = intOf(meta, "epochs", metaFile);
        long expected = (long) (users + items) * dim;
        float[] table = readFloats(dir.resolve(TABLE), expected);
        float[] fin = readFloats(dir.resolve(FINAL), expected);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) meta.getOrDefault("config", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) meta.getOrDefault("metrics", Map.of());
        return new SavedModel(users, items, dim, layers, epochs, config, metrics, table, fin);
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
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
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
                throw new IllegalArgumentException(file + ": " + size + " bytes, expected " + expectedCount * Float.BYTES
                        + " (" + expectedCount + " float32 values as model.json describes)");
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
