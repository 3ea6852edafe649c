package io.streamrec.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.schemas.avro.EmbeddingKind;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.ItemEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The item-event and embedding-record rules of docs/SCHEMAS.md, each with its reason code. */
class ItemAndEmbeddingRulesTest {
    private final ItemEventValidator items = new ItemEventValidator(16, 100, 8);

    private static ItemEvent.Builder item(String id) {
        return ItemEvent.newBuilder()
                .setItemId(id)
                .setText(Map.of("title", "a song"))
                .setVectors(Map.of("audio", List.of(0.5f, -1f)))
                .setEventTime(Instant.ofEpochMilli(1_800_000_000_000L));
    }

    private ReasonCode rejected(ItemEvent e) {
        MalformedRecordException ex = assertThrows(MalformedRecordException.class, () -> items.check(e));
        assertTrue(
                ex.getMessage().length() > 10
                        && (e.getItemId() == null
                                || e.getItemId().isEmpty()
                                || !ex.getMessage().isBlank()),
                ex.getMessage());
        return ex.code();
    }

    @Test
    void aGoodItemAndAWithdrawalPass() {
        items.check(item("i1").build());
        items.check(item("i1").setText(Map.of()).setVectors(null).build());
        // a withdrawal needs only its id: whatever else it carries is not read
        items.check(item("i1")
                .setDeleted(true)
                .setVectors(Map.of("audio", List.of(Float.NaN)))
                .setEventTime(Instant.EPOCH)
                .build());
    }

    @Test
    void everyItemRuleHasItsReason() {
        assertEquals(ReasonCode.MISSING_ID, rejected(item("").build()));
        assertEquals(ReasonCode.ID_TOO_LONG, rejected(item("i".repeat(17)).build()));
        assertEquals(ReasonCode.BLANK_ID, rejected(item("\u00a0 ").build()));
        assertEquals(
                ReasonCode.CONTROL_CHARACTER_IN_ID, rejected(item("a\u0000b").build()));
        assertEquals(
                ReasonCode.CONTROL_CHARACTER_IN_ID,
                rejected(item("a\u0000b").setDeleted(true).build()));
        assertEquals(ReasonCode.INVALID_UNICODE, rejected(item("a\ud800").build()));
        assertEquals(
                ReasonCode.BAD_EVENT_TIME,
                rejected(item("i").setEventTime(Instant.EPOCH).build()));
        assertEquals(
                ReasonCode.INVALID_UNICODE,
                rejected(item("i").setText(Map.of("title", "x\udc00y")).build()));
        assertEquals(
                ReasonCode.TEXT_TOO_LONG,
                rejected(item("i")
                        .setText(Map.of("title", "x".repeat(60), "body", "y".repeat(41)))
                        .build()));
        assertEquals(
                ReasonCode.BAD_FIELD_NAME,
                rejected(item("i").setText(Map.of("", "x")).build()));
        assertEquals(
                ReasonCode.BAD_FIELD_NAME,
                rejected(item("i").setText(Map.of("ti\ntle", "x")).build()));
        assertEquals(
                ReasonCode.BAD_FIELD_NAME,
                rejected(item("i")
                        .setVectors(Map.of("k".repeat(65), List.of(1f)))
                        .build()));
        assertEquals(
                ReasonCode.BAD_VECTOR,
                rejected(item("i").setVectors(Map.of("audio", List.of())).build()));
        assertEquals(
                ReasonCode.BAD_VECTOR,
                rejected(item("i")
                        .setVectors(Map.of("audio", Collections.nCopies(9, 1f)))
                        .build()));
        assertEquals(
                ReasonCode.BAD_VECTOR,
                rejected(item("i")
                        .setVectors(Map.of("audio", List.of(1f, Float.POSITIVE_INFINITY)))
                        .build()));
        List<Float> withNull = new ArrayList<>(List.of(1f, 2f));
        withNull.set(1, null);
        assertEquals(
                ReasonCode.BAD_VECTOR,
                rejected(item("i").setVectors(Map.of("audio", withNull)).build()));
        Map<String, List<Float>> many = new HashMap<>();
        for (int m = 0; m <= ItemEventValidator.MAX_MODALITIES; m++) {
            many.put("m" + m, List.of(1f));
        }
        assertEquals(ReasonCode.BAD_VECTOR, rejected(item("i").setVectors(many).build()));
    }

    private static EmbeddingRecord.Builder user(String id, float... v) {
        return EmbeddingRecords.packed(EmbeddingKind.USER_PACKED, id, 3, v);
    }

    private static ReasonCode rejected(EmbeddingRecord r) {
        return assertThrows(MalformedRecordException.class, () -> EmbeddingRecords.checked(r))
                .code();
    }

    @Test
    void everyEmbeddingRuleHasItsReason() {
        assertArrayEquals(
                new float[] {1f, -2f},
                EmbeddingRecords.checked(user("u1", 1f, -2f).build()));
        assertEquals(
                0,
                EmbeddingRecords.checked(EmbeddingRecords.packed(EmbeddingKind.COMMIT_PACKED, "", 3, new float[0])
                                .build())
                        .length,
                "a commit may carry no mean user vector");
        assertEquals(ReasonCode.BAD_VECTOR, rejected(user("u1", 1f, Float.NaN).build()));
        assertEquals(ReasonCode.BAD_VECTOR, rejected(user("u1").build()));
        assertEquals(
                ReasonCode.BAD_VECTOR,
                rejected(user("u1", 1f)
                        .setPacked(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .build()));
        assertEquals(ReasonCode.MISSING_ID, rejected(user("", 1f).build()));
        assertEquals(
                ReasonCode.CONTROL_CHARACTER_IN_ID, rejected(user("u\u0007", 1f).build()));
        assertEquals(
                ReasonCode.UNDECODABLE,
                rejected(user("u1", 1f).setModelVersion(0).build()));
        assertEquals(
                ReasonCode.BAD_VECTOR,
                rejected(EmbeddingRecords.packed(EmbeddingKind.COMMIT_PACKED, "", 3, new float[] {Float.NaN})
                        .build()));
    }
}
