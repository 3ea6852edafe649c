package io.streamrec.flink.serving;

import io.streamrec.flink.ingest.Interaction;

/**
 * What the user-keyed operator receives: an interaction, or that user's vector of a model version
 * (exactly one is set). User vectors travel keyed, next to the user's events; item vectors are
 * broadcast. Its own binary serializer: this wraps every event of the job.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(UserInput.TypeFactory.class)
public class UserInput {
    public Interaction interaction;
    public ModelUpdate vector;

    public UserInput() {}

    public static UserInput of(Interaction i) {
        UserInput u = new UserInput();
        u.interaction = i;
        return u;
    }

    public static UserInput of(ModelUpdate v) {
        UserInput u = new UserInput();
        u.vector = v;
        return u;
    }

    public String user() {
        return interaction != null ? interaction.user : vector.id;
    }

    /** Flink type information: UserInput's own binary serializer. */
    public static final class TypeFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<UserInput> {
        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<UserInput> createTypeInfo(
                java.lang.reflect.Type t,
                java.util.Map<String, org.apache.flink.api.common.typeinfo.TypeInformation<?>> params) {
            return new io.streamrec.flink.types.CompactTypeInfo<>(UserInput.class, Serializer::new);
        }
    }

    /** A tag byte, then the interaction (its serializer) or the vector's fields. */
    public static final class Serializer extends io.streamrec.flink.types.CompactSerializer<UserInput> {
        private static final long serialVersionUID = 1L;
        private static final Interaction.Serializer INTERACTION = new Interaction.Serializer();

        @Override
        public UserInput createInstance() {
            return new UserInput();
        }

        @Override
        public UserInput copy(UserInput v) {
            UserInput c = new UserInput();
            c.interaction = v.interaction == null ? null : INTERACTION.copy(v.interaction);
            if (v.vector != null) {
                ModelUpdate m = v.vector;
                c.vector = new ModelUpdate(
                        m.kind,
                        m.id,
                        m.version,
                        m.vector == null ? null : m.vector.clone(),
                        m.triggerTime,
                        m.items,
                        m.throughSeq);
            }
            return c;
        }

        @Override
        public void serialize(UserInput v, org.apache.flink.core.memory.DataOutputView out) throws java.io.IOException {
            if (v.interaction != null) {
                out.writeByte(0);
                INTERACTION.serialize(v.interaction, out);
                return;
            }
            ModelUpdate m = v.vector;
            out.writeByte(1);
            out.writeByte(m.kind);
            writeString(m.id, out);
            out.writeLong(m.version);
            out.writeLong(m.triggerTime);
            out.writeInt(m.items);
            out.writeLong(m.throughSeq);
            out.writeInt(m.vector.length);
            for (float f : m.vector) {
                out.writeFloat(f);
            }
        }

        @Override
        public UserInput deserialize(org.apache.flink.core.memory.DataInputView in) throws java.io.IOException {
            UserInput v = new UserInput();
            if (in.readByte() == 0) {
                v.interaction = INTERACTION.deserialize(in);
                return v;
            }
            ModelUpdate m = new ModelUpdate();
            m.kind = in.readByte();
            m.id = readString(in);
            m.version = in.readLong();
            m.triggerTime = in.readLong();
            m.items = in.readInt();
            m.throughSeq = in.readLong();
            m.vector = new float[in.readInt()];
            for (int i = 0; i < m.vector.length; i++) {
                m.vector[i] = in.readFloat();
            }
            v.vector = m;
            return v;
        }

        @Override
        public org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<UserInput> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot
                extends org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot<UserInput> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
