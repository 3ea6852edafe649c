package io.streamrec.flink.serving;

import io.streamrec.flink.ingest.Interaction;
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
 * What the user-keyed operator receives: an interaction, or that user's vector of a model version
 * (exactly one is set). User vectors travel keyed, next to the user's events; item vectors are
 * broadcast. Its own binary serializer: this wraps every event of the job.
 */
@TypeInfo(UserInput.TypeFactory.class)
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
    public static final class TypeFactory extends TypeInfoFactory<UserInput> {
        @Override
        public TypeInformation<UserInput> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new CompactTypeInfo<>(UserInput.class, Serializer::new);
        }
    }

    /** A tag byte, then the interaction (its serializer) or the vector's fields. */
    public static final class Serializer extends CompactSerializer<UserInput> {
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
        public void serialize(UserInput v, DataOutputView out) throws IOException {
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
        public UserInput deserialize(DataInputView in) throws IOException {
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
        public TypeSerializerSnapshot<UserInput> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Restores this serializer by name (no configuration). */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserInput> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
