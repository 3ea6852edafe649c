package io.streamrec.flink.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/**
 * Flink's serializer contract (copy, serialize alone and in sequence, serialized copy, snapshot
 * and restore, duplicate across threads, Java serializability) for a hand-written serializer.
 * streamrec's records have no equals: two compare field by field.
 */
public abstract class CompactSerializerContract<T> extends SerializerTestBase<T> {
    private final Supplier<TypeSerializer<T>> serializer;
    private final Class<T> type;

    protected CompactSerializerContract(Supplier<TypeSerializer<T>> serializer, Class<T> type) {
        super(new DeeplyEqualsChecker()
                .withCustomCheck(CompactSerializerContract::ours, (a, b, checker) -> sameFields(a, b)));
        this.serializer = serializer;
        this.type = type;
    }

    @Override
    protected TypeSerializer<T> createSerializer() {
        return serializer.get();
    }

    @Override
    protected Class<T> getTypeClass() {
        return type;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    private static boolean ours(Object a, Object b) {
        return a != null
                && b != null
                && a.getClass() == b.getClass()
                && a.getClass().getName().startsWith("io.streamrec.");
    }

    private static boolean sameFields(Object a, Object b) {
        try {
            assertThat(a).usingRecursiveComparison().isEqualTo(b);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
