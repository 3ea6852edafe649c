package io.streamrec.flink.serving;

import io.streamrec.flink.types.CompactSerializerContract;
import io.streamrec.serving.UserState;

class UserStateSerializerTest extends CompactSerializerContract<UserState> {
    UserStateSerializerTest() {
        super(UserStateType.Serializer::new, UserState.class);
    }

    @Override
    protected UserState[] getTestData() {
        UserState full = new UserState();
        full.seen = new long[] {-5, 3, 99};
        full.seenCount = 3;
        full.since = new long[] {99};
        full.sinceCount = 1;
        full.newestVersion = 4;
        full.newest = new float[] {0.1f, -0.2f};
        full.olderVersion = 3;
        full.older = new float[] {1f, 1f};
        full.itemsAtVector = 2;
        full.sumTable = 11;
        full.sumBasis = 4;
        full.sum = new float[] {2.5f, 0f};
        full.sumCount = 3;
        UserState unknown = new UserState();
        unknown.seen = new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        unknown.seenCount = 2;
        return new UserState[] {new UserState(), full, unknown};
    }
}
