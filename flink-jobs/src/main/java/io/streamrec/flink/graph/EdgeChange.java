package io.streamrec.flink.graph;

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

/** A real change of the user-item graph, between the user-keyed and item-keyed stages. */
@TypeInfo(EdgeChange.TypeFactory.class)
public final class EdgeChange {
    public String user;
    public String item;
    public boolean added;
    public float weight;
    public long time;
    /** Set by the item-keyed stage: the item's degree after this change. */
    public int itemDegree;

    public EdgeChange() {}

    public EdgeChange(String user, String item, boolean added, float weight, long time) {
        this.user = user;
        this.item = item;
        this.added = added;
        this.weight = weight;
        this.time = time;
    }

    @Override
    public String toString() {
        return (added ? "+" : "-") + user + "->" + item + " w=" + weight + " deg=" + itemDegree;
    }

    /** Flink type information: EdgeChange's own binary serializer. */
    public static final class TypeFactory extends TypeInfoFactory<EdgeChange> {
        @Override
        public TypeInformation<EdgeChange> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new CompactTypeInfo<>(EdgeChange.class, Serializer::new);
        }
    }

    /** Field by field, in declaration order. */
    public static final class Serializer extends CompactSerializer<EdgeChange> {
        private static final long serialVersionUID = 1L;

        @Override
        public EdgeChange createInstance() {
            return new EdgeChange();
        }

        @Override
        public EdgeChange copy(EdgeChange v) {
            EdgeChange c = new EdgeChange();
            c.user = v.user;
            c.item = v.item;
            c.added = v.added;
            c.weight = v.weight;
            c.time = v.time;
            c.itemDegree = v.itemDegree;
            return c;
        }

        @Override
        public void serialize(EdgeChange v, DataOutputView out) throws IOException {
            writeString(v.user, out);
            writeString(v.item, out);
            out.writeBoolean(v.added);
            out.writeFloat(v.weight);
            out.writeLong(v.time);
            out.writeInt(v.itemDegree);
        }

        @Override
        public EdgeChange deserialize(DataInputView in) throws IOException {
            EdgeChange v = new EdgeChange();
            v.user = readString(in);
            v.item = readString(in);
            v.added = in.readBoolean();
            v.weight = in.readFloat();
            v.time = in.readLong();
            v.itemDegree = in.readInt();
            return v;
        }

        @Override
        public TypeSerializerSnapshot<EdgeChange> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<EdgeChange> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
