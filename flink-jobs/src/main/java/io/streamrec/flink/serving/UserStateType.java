package io.streamrec.flink.serving;

import io.streamrec.flink.types.CompactSerializer;
import io.streamrec.flink.types.CompactTypeInfo;
import io.streamrec.serving.UserState;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink type of the per-user serving value ({@link UserState}): seen keys, the since-vector keys,
 * two vectors and the placement sum, written field by field (one state value per user; no
 * reflection, no Kryo).
 */
public final class UserStateType {
    private UserStateType() {}

    public static TypeInformation<UserState> info() {
        return new CompactTypeInfo<>(UserState.class, Serializer::new);
    }

    /** Version 1 layout: a format byte, then the fields in declaration order; arrays as length + elements. */
    public static final class Serializer extends CompactSerializer<UserState> {
        private static final long serialVersionUID = 1L;

        @Override
        public UserState createInstance() {
            return new UserState();
        }

        @Override
        public UserState copy(UserState v) {
            UserState c = new UserState();
            c.seen = v.seen.clone();
            c.seenCount = v.seenCount;
            c.since = v.since.clone();
            c.sinceCount = v.sinceCount;
            c.newestVersion = v.newestVersion;
            c.newest = v.newest == null ? null : v.newest.clone();
            c.olderVersion = v.olderVersion;
            c.older = v.older == null ? null : v.older.clone();
            c.itemsAtVector = v.itemsAtVector;
            c.sumTable = v.sumTable;
            c.sumBasis = v.sumBasis;
            c.sum = v.sum == null ? null : v.sum.clone();
            c.sumCount = v.sumCount;
            return c;
        }

        @Override
        public void serialize(UserState v, DataOutputView out) throws IOException {
            out.writeByte(1);
            writeLongs(v.seen, v.seenCount, out);
            writeLongs(v.since, v.sinceCount, out);
            out.writeLong(v.newestVersion);
            writeFloats(v.newest, out);
            out.writeLong(v.olderVersion);
            writeFloats(v.older, out);
            out.writeInt(v.itemsAtVector);
            out.writeLong(v.sumTable);
            out.writeLong(v.sumBasis);
            writeFloats(v.sum, out);
            out.writeInt(v.sumCount);
        }

        @Override
        public UserState deserialize(DataInputView in) throws IOException {
            int format = in.readByte();
            if (format != 1) {
                throw new IOException("serving user state: unknown format " + format);
            }
            UserState v = new UserState();
            v.seen = readLongs(in);
            v.seenCount = v.seen.length;
            v.since = readLongs(in);
            v.sinceCount = v.since.length;
            v.newestVersion = in.readLong();
            v.newest = readFloats(in);
            v.olderVersion = in.readLong();
            v.older = readFloats(in);
            v.itemsAtVector = in.readInt();
            v.sumTable = in.readLong();
            v.sumBasis = in.readLong();
            v.sum = readFloats(in);
            v.sumCount = in.readInt();
            return v;
        }

        private static void writeLongs(long[] a, int n, DataOutputView out) throws IOException {
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeLong(a[i]);
            }
        }

        private static long[] readLongs(DataInputView in) throws IOException {
            long[] a = new long[in.readInt()];
            for (int i = 0; i < a.length; i++) {
                a[i] = in.readLong();
            }
            return a;
        }

        private static void writeFloats(float[] a, DataOutputView out) throws IOException {
            if (a == null) {
                out.writeInt(-1);
                return;
            }
            out.writeInt(a.length);
            for (float f : a) {
                out.writeFloat(f);
            }
        }

        private static float[] readFloats(DataInputView in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readFloat();
            }
            return a;
        }

        @Override
        public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserState> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
