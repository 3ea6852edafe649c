package io.streamrec.flink.changelog;

import io.streamrec.flink.graph.EdgeChange;
import io.streamrec.flink.types.CompactSerializer;
import io.streamrec.flink.types.CompactTypeInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One record for the edge changelog topic: a sequenced edge change or a CUT marker, with the
 * partition it must go to (edges by user, markers to every partition).
 */
@TypeInfo(ChangelogEntry.TypeFactory.class)
public final class ChangelogEntry {
    public static final byte ADDED = 0;
    public static final byte REMOVED = 1;
    public static final byte CUT = 2;

    public byte kind;
    public long seq;
    public String user;
    public String item;
    public float weight;
    public long time;
    public int itemDegree;
    public long triggerId;
    public int partition;

    public ChangelogEntry() {}

    static ChangelogEntry edge(EdgeChange c, long seq, int partition) {
        ChangelogEntry e = new ChangelogEntry();
        e.kind = c.added ? ADDED : REMOVED;
        e.seq = seq;
        e.user = c.user;
        e.item = c.item;
        e.weight = c.weight;
        e.time = c.time;
        e.itemDegree = c.itemDegree;
        e.partition = partition;
        return e;
    }

    static ChangelogEntry cut(long throughSeq, long triggerId, long time, int partition) {
        ChangelogEntry e = new ChangelogEntry();
        e.kind = CUT;
        e.seq = throughSeq;
        e.user = "";
        e.item = "";
        e.time = time;
        e.triggerId = triggerId;
        e.partition = partition;
        return e;
    }

    /** Flink type information: ChangelogEntry's own binary serializer. */
    public static final class TypeFactory extends TypeInfoFactory<ChangelogEntry> {
        @Override
        public TypeInformation<ChangelogEntry> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new CompactTypeInfo<>(ChangelogEntry.class, Serializer::new);
        }
    }

    /** Field by field, in declaration order. */
    public static final class Serializer extends CompactSerializer<ChangelogEntry> {
        private static final long serialVersionUID = 1L;

        @Override
        public ChangelogEntry createInstance() {
            return new ChangelogEntry();
        }

        @Override
        public ChangelogEntry copy(ChangelogEntry v) {
            ChangelogEntry c = new ChangelogEntry();
            c.kind = v.kind;
            c.seq = v.seq;
            c.user = v.user;
            c.item = v.item;
            c.weight = v.weight;
            c.time = v.time;
            c.itemDegree = v.itemDegree;
            c.triggerId = v.triggerId;
            c.partition = v.partition;
            return c;
        }

        @Override
        public void serialize(ChangelogEntry v, DataOutputView out) throws IOException {
            out.writeByte(v.kind);
            out.writeLong(v.seq);
            writeString(v.user, out);
            writeString(v.item, out);
            out.writeFloat(v.weight);
            out.writeLong(v.time);
            out.writeInt(v.itemDegree);
            out.writeLong(v.triggerId);
            out.writeInt(v.partition);
        }

        @Override
        public ChangelogEntry deserialize(DataInputView in) throws IOException {
            ChangelogEntry v = new ChangelogEntry();
            v.kind = in.readByte();
            v.seq = in.readLong();
            v.user = readString(in);
            v.item = readString(in);
            v.weight = in.readFloat();
            v.time = in.readLong();
            v.itemDegree = in.readInt();
            v.triggerId = in.readLong();
            v.partition = in.readInt();
            return v;
        }

        @Override
        public TypeSerializerSnapshot<ChangelogEntry> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangelogEntry> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
