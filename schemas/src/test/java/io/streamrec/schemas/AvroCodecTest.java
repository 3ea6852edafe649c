package io.streamrec.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import io.streamrec.schemas.avro.InteractionEvent;
import io.streamrec.schemas.avro.MetricPoint;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    private static InteractionEvent event() {
        return InteractionEvent.newBuilder()
                .setUserId("u1")
                .setItemId("i9")
                .setEventType("click")
                .setValue(2.5)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setProperties(Map.of("device", "ios"))
                .build();
    }

    @Test
    void roundTripsEveryTopicRecord() {
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        byte[] bytes = codec.encode(event());
        assertEquals(AvroCodec.MAGIC, bytes[0]);
        assertEquals(1, bytes[1]);
        assertEquals(event(), codec.decode(bytes));

        GraphChange g = GraphChange.newBuilder()
                .setKind(GraphChangeKind.EDGE_ADDED)
                .setSeq(7)
                .setUserId("u")
                .setItemId("i")
                .setWeight(1f)
                .setEventTime(Instant.ofEpochMilli(5))
                .setItemDegree(3)
                .build();
        AvroCodec<GraphChange> gc = AvroCodec.of(GraphChange.class);
        assertEquals(g, gc.decode(gc.encode(g)));

        DeadLetter d = DeadLetter.newBuilder()
                .setReasonCode("UNDECODABLE")
                .setReason("x")
                .setSourceTopic("t")
                .setSourcePartition(1)
                .setSourceOffset(42)
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 1, 2}))
                .setTime(Instant.ofEpochMilli(9))
                .build();
        AvroCodec<DeadLetter> dc = AvroCodec.of(DeadLetter.class);
        DeadLetter back = dc.decode(dc.encode(d));
        assertArrayEquals(new byte[] {0, 1, 2}, back.getOriginalValue().array());
        assertNull(back.getOriginalKey());
    }

    @Test
    void invalidUtf8InAnAvroStringIsRejectedNotReplaced() {
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        byte[] bytes = codec.encode(event());
        int at = indexOf(bytes, "u1".getBytes(StandardCharsets.US_ASCII));
        bytes[at + 1] = (byte) 0xFF; // "u\xFF": not UTF-8; Avro alone would read "u\uFFFD"
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> codec.decode(bytes));
        assertEquals(ReasonCode.INVALID_UNICODE, e.code(), e.getMessage());
        InteractionEvent honest =
                InteractionEvent.newBuilder(event()).setItemId("i\uFFFD").build(); // U+FFFD itself is valid
        assertEquals(honest, codec.decode(codec.encode(honest)));
        InteractionEvent wide =
                InteractionEvent.newBuilder(event()).setUserId("\u00fcser").build(); // non-ASCII, valid
        assertEquals(wide, codec.decode(codec.encode(wide)));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /** A hypothetical v2 that follows the rules: one appended field with a default. */
    private static Schema v2Schema() {
        String v1 = InteractionEvent.getClassSchema().toString();
        String v2 = v1.substring(0, v1.lastIndexOf(']'))
                + ",{\"name\":\"session_id\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
        return new Schema.Parser().parse(v2);
    }

    private static byte[] writeGeneric(Schema schema, int version, GenericRecord r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AvroCodec.MAGIC);
        out.write(version);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void olderReaderReadsNewerRecord() throws Exception {
        Schema v2 = v2Schema();
        GenericRecord r = new GenericData.Record(v2);
        r.put("user_id", "u1");
        r.put("item_id", "i9");
        r.put("event_type", "click");
        r.put("value", 2.5);
        r.put("event_time", 1_700_000_000_123L);
        r.put("properties", Map.of("device", "ios"));
        r.put("session_id", "s-77");
        byte[] newer = writeGeneric(v2, 2, r);

        InteractionEvent read = AvroCodec.of(InteractionEvent.class).decode(newer); // the v1 reader
        assertEquals(event(), read);
    }

    @Test
    void newerReaderReadsOlderRecordWithDefaults() throws Exception {
        Schema v1 = InteractionEvent.getClassSchema();
        byte[] older = AvroCodec.of(InteractionEvent.class).encode(event());
        // a v2 reader (generic: the v2 class does not exist yet) that keeps v1 in its history
        GenericRecord read = new GenericDatumReader<GenericRecord>(v1, v2Schema())
                .read(null, DecoderFactory.get().binaryDecoder(older, 2, older.length - 2, null));
        assertEquals("u1", read.get("user_id").toString());
        assertNull(read.get("session_id"));
        // and the codec picks the history schema by the header's version
        AvroCodec<InteractionEvent> v2Codec = new AvroCodec<>(InteractionEvent.class, v1, 2, Map.of(1, v1));
        assertEquals(event(), v2Codec.decode(older));
    }

    @Test
    void garbageIsUndecodableNotACrash() {
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        assertEquals(
                ReasonCode.UNDECODABLE,
                assertThrows(MalformedRecordException.class, () -> codec.decode(new byte[] {1, 2, 3}))
                        .code());
        assertEquals(
                ReasonCode.UNDECODABLE,
                assertThrows(MalformedRecordException.class, () -> codec.decode(new byte[] {AvroCodec.MAGIC, 1, 5}))
                        .code());
        // a header followed by a string length of ~1 GB must fail fast, not allocate it
        byte[] huge = {AvroCodec.MAGIC, 1, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> codec.decode(huge));
        assertEquals(ReasonCode.UNDECODABLE, e.code());
        // a version this reader has never seen below its own
        AvroCodec<InteractionEvent> v3 =
                new AvroCodec<>(InteractionEvent.class, InteractionEvent.getClassSchema(), 3, Map.of());
        byte[] v1bytes = codec.encode(event());
        assertTrue(assertThrows(MalformedRecordException.class, () -> v3.decode(v1bytes))
                .getMessage()
                .contains("version 1 is unknown"));
    }

    /** EmbeddingRecord v2 (packed vectors, delta versions): v2 readers read v1 records; v1 readers refuse v2 records by name. */
    @Test
    void metricPointVersion2AgainstVersion1Readers() throws Exception {
        Schema v1;
        try (var in = AvroCodec.class.getResourceAsStream("/io/streamrec/schemas/history/MetricPoint.v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        AvroCodec<MetricPoint> current = AvroCodec.of(MetricPoint.class);
        assertEquals(2, current.version());
        // a version-1 point (written before baselines existed) is the model's
        GenericRecord old = new GenericData.Record(v1);
        old.put("name", "ndcg@10");
        old.put("value", 0.25);
        old.put("model_version", 4L);
        old.put("window", "time:PT1M");
        old.put("samples", 80L);
        old.put("time", 1_700_000_000_000L);
        old.put("labels", Map.of());
        MetricPoint read = current.decode(writeGeneric(v1, 1, old));
        assertEquals("model", read.getScorer().toString());
        assertEquals(0.25, read.getValue());
        // a version-2 baseline point: a version-1 reader decodes the fields it knows (and cannot tell the scorer:
        // SCHEMAS.md says to upgrade dashboards first)
        MetricPoint baseline = new MetricPoint(
                "ndcg@10",
                0.125,
                4L,
                "time:PT1M",
                80L,
                Instant.ofEpochMilli(1_700_000_000_000L),
                Map.of("against", "most_popular"),
                "most_popular");
        byte[] bytes = current.encode(baseline);
        assertEquals("most_popular", current.decode(bytes).getScorer().toString());
        MetricPoint seenByV1 = new AvroCodec<>(MetricPoint.class, v1, 1, Map.of()).decode(bytes);
        assertEquals(0.125, seenByV1.getValue());
        assertEquals(4L, seenByV1.getModelVersion());
        assertEquals(
                "{against=most_popular}", seenByV1.getLabels().toString(), "labels as a version-1 reader sees them");
    }

    @Test
    void embeddingRecordVersion2AgainstVersion1Readers() throws Exception {
        Schema v1;
        try (var in = AvroCodec.class.getResourceAsStream("/io/streamrec/schemas/history/EmbeddingRecord.v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        AvroCodec<EmbeddingRecord> current = AvroCodec.of(EmbeddingRecord.class);
        assertEquals(2, current.version());
        // a version-1 model server's record: a float array, read by the current reader through the history schema
        GenericRecord old = new GenericData.Record(v1);
        old.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "ITEM"));
        old.put("entity_id", "i1");
        old.put("model_version", 3L);
        old.put("vector", List.of(0.5f, -2f));
        old.put("through_seq", 0L);
        old.put("trigger_id", 0L);
        old.put("users", 0);
        old.put("items", 0);
        old.put("trigger_time", 0L);
        old.put("created_time", 0L);
        old.put("metrics", Map.of());
        EmbeddingRecord read = current.decode(writeGeneric(v1, 1, old));
        assertTrue(EmbeddingRecords.isItem(read));
        assertArrayEquals(new float[] {0.5f, -2f}, EmbeddingRecords.vector(read));
        assertEquals(0, read.getBaseVersion(), "a version-1 COMMIT is a full version");
        // a version-2 record, packed: exact floats back, and a version-1 reader refuses it (an unknown kind) rather
        // than
        // reading an empty vector
        float[] v = {1.25f, -0f, Float.MIN_VALUE, 3e38f};
        byte[] packed = current.encode(
                EmbeddingRecords.packed(EmbeddingKind.ITEM_PACKED, "i2", 4, v).build());
        assertArrayEquals(v, EmbeddingRecords.vector(current.decode(packed)));
        AvroCodec<EmbeddingRecord> v1Reader = new AvroCodec<>(EmbeddingRecord.class, v1, 1, Map.of());
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> v1Reader.decode(packed));
        assertTrue(e.getMessage().contains("EmbeddingRecord"), e.getMessage());
        byte[] commit = current.encode(EmbeddingRecords.packed(EmbeddingKind.COMMIT_PACKED, "", 4, new float[0])
                .setBaseVersion(3)
                .setRemovedItems(List.of("i9"))
                .build());
        assertThrows(
                MalformedRecordException.class, () -> v1Reader.decode(commit), "nor applies a delta as a full version");
        EmbeddingRecord c = current.decode(commit);
        assertEquals(3, c.getBaseVersion());
        assertEquals(
                List.of("i9"),
                c.getRemovedItems().stream().map(Object::toString).toList());
        // a bad packed length names the record
        EmbeddingRecord bad = EmbeddingRecords.packed(EmbeddingKind.USER_PACKED, "u7", 4, new float[] {1})
                .build();
        bad.setPacked(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> EmbeddingRecords.vector(bad));
        assertTrue(b.getMessage().contains("u7") && b.getMessage().contains("3 bytes"), b.getMessage());
    }
}
