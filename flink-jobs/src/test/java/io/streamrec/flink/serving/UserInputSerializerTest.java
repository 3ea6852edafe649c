package io.streamrec.flink.serving;

import io.streamrec.flink.Interaction;
import io.streamrec.flink.types.CompactSerializerContract;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class UserInputSerializerTest extends CompactSerializerContract<UserInput> {
  @Override
  protected TypeSerializer<UserInput> createSerializer() {
    return new UserInput.Serializer();
  }

  @Override
  protected Class<UserInput> getTypeClass() {
    return UserInput.class;
  }

  @Override
  protected UserInput[] getTestData() {
    return new UserInput[] {UserInput.of(new Interaction("u1", "i1", false, 1f, 1_763_892_000_000L)),
        UserInput.of(new Interaction("ü", "ítem", true, 0.5f, 0L)),
        UserInput.of(new ModelUpdate(ModelUpdate.USER, "u1", 7, new float[] {0.5f, -1f, Float.MAX_VALUE}, 0, 0, 0)),
        UserInput.of(new ModelUpdate(ModelUpdate.USER, "", 1, new float[0], 0, 0, 0))};
  }
}
