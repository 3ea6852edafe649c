package io.streamrec.schemas;

import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;

/**
 * Reading and writing {@link EmbeddingRecord}s of both layouts: version 1's USER / ITEM / COMMIT with
 * the vector as an Avro float array, and version 2's *_PACKED kinds with the vector as
 * little-endian float32 bytes ({@code packed}), which decode without boxing. Every reader and the
 * model server go through here, so the two layouts are told apart in one place.
 */
public final class EmbeddingRecords {
    private EmbeddingRecords() {}

    public static boolean isUser(EmbeddingRecord r) {
        return r.getKind() == EmbeddingKind.USER || r.getKind() == EmbeddingKind.USER_PACKED;
    }

    public static boolean isItem(EmbeddingRecord r) {
        return r.getKind() == EmbeddingKind.ITEM || r.getKind() == EmbeddingKind.ITEM_PACKED;
    }

    public static boolean isCommit(EmbeddingRecord r) {
        return r.getKind() == EmbeddingKind.COMMIT || r.getKind() == EmbeddingKind.COMMIT_PACKED;
    }

    private static boolean isPacked(EmbeddingKind k) {
        return k == EmbeddingKind.USER_PACKED || k == EmbeddingKind.ITEM_PACKED || k == EmbeddingKind.COMMIT_PACKED;
    }

    /**
     * The record's vector (a COMMIT's: the mean user vector, possibly empty).
     *
     * @throws IllegalArgumentException when packed bytes are not a whole number of floats
     */
    public static float[] vector(EmbeddingRecord r) {
        if (isPacked(r.getKind())) {
            ByteBuffer b = r.getPacked().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() % Float.BYTES != 0) {
                throw new IllegalArgumentException(
                        r.getKind() + " record of '" + r.getEntityId() + "' (version " + r.getModelVersion()
                                + "): packed vector of " + b.remaining() + " bytes is not a whole number of float32s");
            }
            float[] v = new float[b.remaining() / Float.BYTES];
            b.asFloatBuffer().get(v);
            return v;
        }
        List<Float> l = r.getVector();
        float[] v = new float[l.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = l.get(i);
        }
        return v;
    }

    /**
     * The record's vector after the rules every reader applies (docs/SCHEMAS.md): a version from 1 up; a
     * user or item record names a valid id and carries a non-empty vector; every component is finite (a
     * NaN would corrupt every score it touches, silently).
     *
     * @throws MalformedRecordException naming the record and the rule it breaks
     */
    public static float[] checked(EmbeddingRecord r) {
        if (r.getModelVersion() < 1) {
            throw new MalformedRecordException(
                    ReasonCode.UNDECODABLE, r.getKind() + " record with model_version " + r.getModelVersion());
        }
        float[] v;
        try {
            v = vector(r);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException(ReasonCode.BAD_VECTOR, e.getMessage());
        }
        if (!isCommit(r)) {
            IdRules.check("entity_id", r.getEntityId(), Integer.MAX_VALUE);
            if (v.length == 0) {
                throw new MalformedRecordException(
                        ReasonCode.BAD_VECTOR,
                        r.getKind() + " record of '" + r.getEntityId() + "' (version " + r.getModelVersion()
                                + ") has an empty vector");
            }
        }
        for (int c = 0; c < v.length; c++) {
            if (!Float.isFinite(v[c])) {
                throw new MalformedRecordException(
                        ReasonCode.BAD_VECTOR,
                        r.getKind() + " record of '" + r.getEntityId() + "' (version " + r.getModelVersion()
                                + "): component " + c + " is " + v[c]);
            }
        }
        return v;
    }

    /** {@code v} as little-endian float32 bytes. */
    public static ByteBuffer pack(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b;
    }

    /** A version-2 USER_PACKED / ITEM_PACKED / COMMIT_PACKED record (COMMIT fields left at their defaults). */
    public static EmbeddingRecord.Builder packed(EmbeddingKind kind, String id, long version, float[] vector) {
        if (!isPacked(kind)) {
            throw new IllegalArgumentException(
                    "packed records are USER_PACKED, ITEM_PACKED or COMMIT_PACKED, not " + kind);
        }
        return EmbeddingRecord.newBuilder()
                .setKind(kind)
                .setEntityId(id)
                .setModelVersion(version)
                .setVector(List.of())
                .setPacked(pack(vector))
                .setCreatedTime(Instant.now());
    }
}
