package io.streamrec.flink.serving;

import io.streamrec.flink.ingest.Interaction;
import io.streamrec.flink.types.CompactSerializerContract;

class UserInputSerializerTest extends CompactSerializerContract<UserInput> {
    UserInputSerializerTest() {
        super(UserInput.Serializer::new, UserInput.class);
    }

    @Override
    protected UserInput[] getTestData() {
        return new UserInput[] {
            UserInput.of(new Interaction("u1", "i1", false, 1f, 1_763_892_000_000L)),
            UserInput.of(new Interaction("ü", "ítem", true, 0.5f, 0L)),
            UserInput.of(new ModelUpdate(ModelUpdate.USER, "u1", 7, new float[] {0.5f, -1f, Float.MAX_VALUE}, 0, 0, 0)),
            UserInput.of(new ModelUpdate(ModelUpdate.USER, "", 1, new float[0], 0, 0, 0))
        };
    }
}
