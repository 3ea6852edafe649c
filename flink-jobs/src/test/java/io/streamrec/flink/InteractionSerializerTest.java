package io.streamrec.flink;

import io.streamrec.flink.types.CompactSerializerContract;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class InteractionSerializerTest extends CompactSerializerContract<Interaction> {
  @Override
  protected TypeSerializer<Interaction> createSerializer() {
    return new Interaction.Serializer();
  }

  @Override
  protected Class<Interaction> getTypeClass() {
    return Interaction.class;
  }

  @Override
  protected Interaction[] getTestData() {
    return new Interaction[] {new Interaction("u1", "i1", false, 1f, 1_763_892_000_000L),
        new Interaction("ü-ñ", "ítem 🎵", true, 0.25f, 0L), new Interaction("", "", false, -3.5f, Long.MAX_VALUE),
        new Interaction("u".repeat(500), "i", false, Float.MIN_VALUE, -1L)};
  }
}
