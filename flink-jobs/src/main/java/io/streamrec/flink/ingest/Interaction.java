package io.streamrec.flink.ingest;

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
 * An accepted interaction inside the graph job (external ids; never dense ids). A Flink POJO:
 * public fields, no-arg constructor.
 */
@TypeInfo(Interaction.TypeFactory.class)
public final class Interaction {
    public String user;
    public String item;
    /** true for a {@code remove} event. */
    public boolean remove;

    public float weight;
    public long time;

    public Interaction() {}

    public Interaction(String user, String item, boolean remove, float weight, long time) {
        this.user = user;
        this.item = item;
        this.remove = remove;
        this.weight = weight;
        this.time = time;
    }

    @Override
    public String toString() {
        return (remove ? "remove " : "add ") + user + "->" + item + " w=" + weight + " t=" + time;
    }

    /** Flink type information: Interaction's own binary serializer. */
    public static final class TypeFactory extends TypeInfoFactory<Interaction> {
        @Override
        public TypeInformation<Interaction> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new CompactTypeInfo<>(Interaction.class, Serializer::new);
        }
    }

    /** Field by field, in declaration order. */
    public static final class Serializer extends CompactSerializer<Interaction> {
        private static final long serialVersionUID = 1L;

        @Override
        public Interaction createInstance() {
            return new Interaction();
        }

        @Override
        public Interaction copy(Interaction v) {
            Interaction c = new Interaction();
            c.user = v.user;
            c.item = v.item;
            c.remove = v.remove;
            c.weight = v.weight;
            c.time = v.time;
            return c;
        }

        @Override
        public void serialize(Interaction v, DataOutputView out) throws IOException {
            writeString(v.user, out);
            writeString(v.item, out);
            out.writeBoolean(v.remove);
            out.writeFloat(v.weight);
            out.writeLong(v.time);
        }

        @Override
        public Interaction deserialize(DataInputView in) throws IOException {
            Interaction v = new Interaction();
            v.user = readString(in);
            v.item = readString(in);
            v.remove = in.readBoolean();
            v.weight = in.readFloat();
            v.time = in.readLong();
            return v;
        }

        @Override
        public TypeSerializerSnapshot<Interaction> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<Interaction> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
