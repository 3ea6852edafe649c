package io.streamrec.flink.ingest;

/**
 * An accepted interaction inside the graph job (external ids; never dense ids). A Flink POJO:
 * public fields, no-arg constructor.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(Interaction.TypeFactory.class)
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
    public static final class TypeFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<Interaction> {
        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<Interaction> createTypeInfo(
                java.lang.reflect.Type t,
                java.util.Map<String, org.apache.flink.api.common.typeinfo.TypeInformation<?>> params) {
            return new io.streamrec.flink.types.CompactTypeInfo<>(Interaction.class, Serializer::new);
        }
    }

    /** Field by field, in declaration order. */
    public static final class Serializer extends io.streamrec.flink.types.CompactSerializer<Interaction> {
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
        public void serialize(Interaction v, org.apache.flink.core.memory.DataOutputView out)
                throws java.io.IOException {
            writeString(v.user, out);
            writeString(v.item, out);
            out.writeBoolean(v.remove);
            out.writeFloat(v.weight);
            out.writeLong(v.time);
        }

        @Override
        public Interaction deserialize(org.apache.flink.core.memory.DataInputView in) throws java.io.IOException {
            Interaction v = new Interaction();
            v.user = readString(in);
            v.item = readString(in);
            v.remove = in.readBoolean();
            v.weight = in.readFloat();
            v.time = in.readLong();
            return v;
        }

        @Override
        public org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<Interaction> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot
                extends org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot<Interaction> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
