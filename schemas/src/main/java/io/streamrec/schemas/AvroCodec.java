package io.streamrec.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one place streamrec turns topic records into bytes and back.
 *
 * <p>Wire format: {@code 0x53 ('S')}, one byte of schema version, then the Avro binary encoding of
 * the record. Evolution rules (docs/SCHEMAS.md): a new version only <em>appends</em> fields, each
 * with a default; nothing is removed, renamed, reordered or retyped. Then
 *
 * <ul>
 *   <li>a reader of the same version decodes directly;
 *   <li>a reader <em>older</em> than the writer decodes the prefix it knows and ignores the
 *       appended fields' bytes (Avro binary has no framing, so the prefix is exactly its own
 *       layout);
 *   <li>a reader <em>newer</em> than the writer resolves from the writer's schema, which every
 *       release keeps under {@code io/streamrec/schemas/history/<Record>.v<N>.avsc}, filling the
 *       appended fields with their defaults.
 * </ul>
 *
 * <p>Instances reuse their encoder and decoder: one per thread (Flink: one per operator instance).
 */
public final class AvroCodec<T extends SpecificRecord> {
    public static final byte MAGIC = 0x53;
    /** Longest string or bytes field a record may claim (a DLQ record's original value is at most 4 MiB). */
    public static final int MAX_FIELD_BYTES = 8 * 1024 * 1024;
    /** Most items an array or map may claim. */
    public static final int MAX_COLLECTION_ITEMS = 1 << 20;

    static {
        // Avro allocates what a length prefix claims before reading it: without limits a 50-byte record
        // claiming a 1.5 GB string is an OutOfMemoryError (found by DecoderFuzzTest). Avro reads these
        // properties once, when its SystemLimitException class loads; a value set by the user wins.
        limit("org.apache.avro.limits.string.maxLength", MAX_FIELD_BYTES);
        limit("org.apache.avro.limits.bytes.maxLength", MAX_FIELD_BYTES);
        limit("org.apache.avro.limits.collectionItems.maxLength", MAX_COLLECTION_ITEMS);
    }

    private static void limit(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private final Class<T> type;
    private final Schema schema;
    private final int version;
    private final Map<Integer, Schema> history;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final Map<Integer, SpecificDatumReader<T>> resolvingReaders = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    /** A codec for the current version of {@code type}, which knows every older version shipped. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        Schema schema = SpecificData.get().getSchema(type);
        int version = SchemaVersions.current(schema.getName());
        return new AvroCodec<>(type, schema, version, SchemaVersions.history(schema.getName(), version));
    }

    /** A codec with an explicit version and writer-schema history (tests of evolution). */
    public AvroCodec(Class<T> type, Schema schema, int version, Map<Integer, Schema> history) {
        if (version < 1 || version > 127) {
            throw new IllegalArgumentException("schema version must be 1..127, got " + version);
        }
        this.type = type;
        this.schema = schema;
        this.version = version;
        this.history = Map.copyOf(history);
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
    }

    public Schema schema() {
        return schema;
    }

    public int version() {
        return version;
    }

    public byte[] encode(T record) {
        out.reset();
        out.write(MAGIC);
        out.write(version);
        encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** True when {@code bytes} start with this format's header (as opposed to, say, JSON). */
    public static boolean isAvroFramed(byte[] bytes) {
        return bytes != null && bytes.length >= 2 && bytes[0] == MAGIC;
    }

    /**
     * Decodes one record.
     *
     * @throws MalformedRecordException when the bytes are not a record of this type in any version
     *     this codec can read
     */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException(ReasonCode.UNDECODABLE, "null record value (tombstone)");
        }
        if (!isAvroFramed(bytes)) {
            throw new MalformedRecordException(
                    ReasonCode.UNDECODABLE,
                    "not streamrec Avro: expected header byte 0x53, got "
                            + (bytes.length == 0 ? "an empty value" : String.format("0x%02x", bytes[0] & 0xff)) + " ("
                            + bytes.length + " bytes)");
        }
        int writerVersion = bytes[1];
        SpecificDatumReader<T> r = reader;
        if (writerVersion < version) {
            r = resolvingReaders.computeIfAbsent(writerVersion, v -> {
                Schema writerSchema = history.get(v);
                if (writerSchema == null) {
                    throw new MalformedRecordException(
                            ReasonCode.UNDECODABLE,
                            type.getSimpleName() + " schema version " + v + " is unknown to this reader (it knows 1.."
                                    + version + ")");
                }
                return new SpecificDatumReader<>(writerSchema, schema);
            });
        } else if (writerVersion < 1) {
            throw new MalformedRecordException(ReasonCode.UNDECODABLE, "invalid schema version " + writerVersion);
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, 2, bytes.length - 2, decoder);
        try {
            T record = r.read(null, decoder);
            if (writerVersion == version && !decoder.isEnd()) {
                throw new MalformedRecordException(
                        ReasonCode.UNDECODABLE,
                        "trailing bytes after a " + type.getSimpleName() + " v" + version + " record");
            }
            checkUtf8(bytes, record);
            return record;
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException
                | ClassCastException
                | UnsupportedOperationException e) { // the last: Avro's SystemLimitException (found by fuzzing)
            throw new MalformedRecordException(
                    ReasonCode.UNDECODABLE,
                    "bad " + type.getSimpleName() + " Avro body: "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * Avro's decoder turns invalid UTF-8 inside a string into U+FFFD without a word, so two different
     * byte strings could become one id. A decoded record with more U+FFFD in its strings than the
     * input holds encoded U+FFFD (EF BF BD) had invalid bytes; the input is scanned only when the
     * strings hold one.
     */
    private static void checkUtf8(byte[] bytes, Object record) {
        long decoded = replacements(record);
        if (decoded == 0) {
            return;
        }
        long encoded = 0;
        for (int i = 2; i + 2 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xEF && bytes[i + 1] == (byte) 0xBF && bytes[i + 2] == (byte) 0xBD) {
                encoded++;
            }
        }
        if (decoded > encoded) {
            throw new MalformedRecordException(
                    ReasonCode.INVALID_UNICODE,
                    "a string of the " + record.getClass().getSimpleName() + " holds bytes that are not valid UTF-8");
        }
    }

    /** U+FFFD characters in the strings of a decoded value (records, maps, arrays, unions). */
    private static long replacements(Object v) {
        if (v instanceof CharSequence cs) {
            long n = 0;
            for (int i = 0; i < cs.length(); i++) {
                if (cs.charAt(i) == '\uFFFD') {
                    n++;
                }
            }
            return n;
        }
        if (v instanceof IndexedRecord r) {
            long n = 0;
            for (int i = 0; i < r.getSchema().getFields().size(); i++) {
                n += replacements(r.get(i));
            }
            return n;
        }
        if (v instanceof Map<?, ?> m) {
            long n = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += replacements(e.getKey()) + replacements(e.getValue());
            }
            return n;
        }
        if (v instanceof Collection<?> c) {
            long n = 0;
            for (Object o : c) {
                if (!(o instanceof Number)) {
                    n += replacements(o);
                }
            }
            return n;
        }
        return 0;
    }

    /** Schema versions: the current one from each schema's doc ("Version N."), older ones from resources. */
    static final class SchemaVersions {
        private SchemaVersions() {}

        static int current(String recordName) {
            Integer v = CURRENT.get(recordName);
            return v == null ? 1 : v;
        }

        static Map<Integer, Schema> history(String recordName, int current) {
            Map<Integer, Schema> h = new HashMap<>();
            for (int v = 1; v < current; v++) {
                String res = "/io/streamrec/schemas/history/" + recordName + ".v" + v + ".avsc";
                try (InputStream in = AvroCodec.class.getResourceAsStream(res)) {
                    if (in == null) {
                        throw new IllegalStateException("missing schema history resource " + res);
                    }
                    h.put(v, new Schema.Parser().parse(in));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return h;
        }

        /** Bump a record's entry here when its schema gains fields, and add the old .avsc to history/. */
        private static final Map<String, Integer> CURRENT = Map.ofEntries(
                Map.entry("InteractionEvent", 1),
                Map.entry("ItemEvent", 1),
                Map.entry("GraphChange", 1),
                Map.entry("TrainingTrigger", 1),
                Map.entry("Recommendation", 1),
                Map.entry("MetricPoint", 2),
                Map.entry("DeadLetter", 1),
                Map.entry("EmbeddingRecord", 2));
    }

    @Override
    public String toString() {
        return "AvroCodec[" + type.getSimpleName() + " v" + version + ", knows "
                + Arrays.toString(history.keySet().toArray()) + "]";
    }
}
