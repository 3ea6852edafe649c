package io.streamrec.schemas;

import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hand-written encoder for the changelog's hot path: produces exactly the bytes
 * {@code AvroCodec.of(GraphChange.class).encode(...)} produces (header + Avro binary of
 * GraphChange v1; a test holds the two together), without Avro's generic machinery, which
 * cost a fifth of the changelog writer's CPU. Not thread-safe; reuses its buffer.
 */
public final class GraphChangeWire {
    /** The GraphChange schema version these bytes are; bump together with the schema. */
    static final int VERSION = 1;

    private byte[] buf = new byte[256];
    private int pos;

    public byte[] encode(
            GraphChangeKind kind,
            long seq,
            String userId,
            String itemId,
            float weight,
            long eventTimeMs,
            int itemDegree,
            long triggerId) {
        pos = 0;
        ensure(2 + 5 + 10 + 10 + 3 * userId.length() + 10 + 3 * itemId.length() + 4 + 10 + 5 + 10);
        buf[pos++] = AvroCodec.MAGIC;
        buf[pos++] = (byte) VERSION;
        writeLong(kind.ordinal());
        writeLong(seq);
        writeString(userId);
        writeString(itemId);
        int bits =
                Float.floatToRawIntBits(weight); // raw, as Avro writes it: a NaN keeps its payload (found by fuzzing)
        buf[pos++] = (byte) bits;
        buf[pos++] = (byte) (bits >>> 8);
        buf[pos++] = (byte) (bits >>> 16);
        buf[pos++] = (byte) (bits >>> 24);
        writeLong(eventTimeMs);
        writeLong(itemDegree);
        writeLong(triggerId);
        return Arrays.copyOf(buf, pos);
    }

    public byte[] encode(GraphChange g) {
        return encode(
                g.getKind(),
                g.getSeq(),
                g.getUserId(),
                g.getItemId(),
                g.getWeight(),
                g.getEventTime().toEpochMilli(),
                g.getItemDegree(),
                g.getTriggerId());
    }

    private void ensure(int n) {
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
        }
    }

    /** Avro int and long: zig-zag, then base-128 varint. */
    private void writeLong(long v) {
        long n = (v << 1) ^ (v >> 63);
        while ((n & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[pos++] = (byte) n;
    }

    private void writeString(String s) {
        int len = s.length();
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            writeLong(len);
            for (int i = 0; i < len; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        } else {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeLong(utf8.length);
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
        }
    }
}
