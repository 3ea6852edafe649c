package io.streamrec.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GraphChangeWireTest {
    @Test
    void sameBytesAsTheAvroCodec() {
        AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
        GraphChangeWire wire = new GraphChangeWire();
        assertEquals(codec.version(), GraphChangeWire.VERSION, "bump GraphChangeWire with the schema");
        Random rnd = new Random(3);
        String[] ids = {"", "u1", "item-ü-é", "日本語", "x".repeat(300), "\uD83D\uDE00emoji"};
        for (int k = 0; k < 2_000; k++) {
            GraphChange g = GraphChange.newBuilder()
                    .setKind(GraphChangeKind.values()[rnd.nextInt(3)])
                    .setSeq(k % 7 == 0 ? Long.MAX_VALUE - k : rnd.nextLong() >>> rnd.nextInt(64))
                    .setUserId(ids[rnd.nextInt(ids.length)] + k)
                    .setItemId(ids[rnd.nextInt(ids.length)])
                    .setWeight(k % 5 == 0 ? -rnd.nextFloat() * 1e6f : rnd.nextFloat())
                    .setEventTime(Instant.ofEpochMilli(rnd.nextLong() >> rnd.nextInt(30)))
                    .setItemDegree(k % 3 == 0 ? -k : rnd.nextInt())
                    .setTriggerId(rnd.nextInt(1000))
                    .build();
            byte[] expected = codec.encode(g);
            assertArrayEquals(expected, wire.encode(g), g.toString());
            assertEquals(g, codec.decode(wire.encode(g)));
        }
    }
}
