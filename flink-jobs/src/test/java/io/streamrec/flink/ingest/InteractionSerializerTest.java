package io.streamrec.flink.ingest;

import io.streamrec.flink.types.CompactSerializerContract;

class InteractionSerializerTest extends CompactSerializerContract<Interaction> {
    InteractionSerializerTest() {
        super(Interaction.Serializer::new, Interaction.class);
    }

    @Override
    protected Interaction[] getTestData() {
        return new Interaction[] {
            new Interaction("u1", "i1", false, 1f, 1_763_892_000_000L),
            new Interaction("ü-ñ", "ítem 🎵", true, 0.25f, 0L),
            new Interaction("", "", false, -3.5f, Long.MAX_VALUE),
            new Interaction("u".repeat(500), "i", false, Float.MIN_VALUE, -1L)
        };
    }
}
