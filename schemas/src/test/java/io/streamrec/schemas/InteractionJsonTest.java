package io.streamrec.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.schemas.avro.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InteractionJsonTest {
    private final InteractionDecoder decoder = new InteractionDecoder();
    private final InteractionValidator validator = new InteractionValidator(16, 1024, Duration.ofHours(1));
    private static final long NOW = 1_800_000_000_000L;

    private InteractionEvent json(String s) {
        return decoder.decode(s.getBytes(UTF_8), 1_700_000_000_000L);
    }

    private ReasonCode rejected(String s) {
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> {
            byte[] bytes = s.getBytes(UTF_8);
            validator.checkSize(bytes);
            validator.check(decoder.decode(bytes, 1_700_000_000_000L), NOW);
        });
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        return e.code();
    }

    @Test
    void readsTheDocumentedForm() {
        InteractionEvent e = json(
                " {\"user_id\":\"u42\",\"item_id\":7,\"event_type\":\"CLICK\",\"value\":1.5,"
                        + "\"event_time\":\"2026-11-23T10:00:00Z\",\"properties\":{\"device\":\"ios\"},\"future_field\":[1,{\"a\":2}]}");
        assertEquals("u42", e.getUserId());
        assertEquals("7", e.getItemId());
        assertEquals(EventType.CLICK, validator.check(e, NOW));
        assertEquals(1.5, e.getValue());
        assertEquals(Instant.parse("2026-11-23T10:00:00Z"), e.getEventTime());
        assertEquals("ios", e.getProperties().get("device"));
    }

    @Test
    void missingTimeFallsBackToTheRecordTimestamp() {
        InteractionEvent e = json("{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"view\"}");
        assertEquals(1_700_000_000_000L, e.getEventTime().toEpochMilli());
        assertNull(e.getValue());
        assertEquals(1f, InteractionValidator.weightOf(e, EventType.VIEW));
    }

    @Test
    void everyRuleHasItsReason() {
        assertEquals(ReasonCode.MISSING_ID, rejected("{\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.MISSING_ID,
                rejected("{\"user_id\":\"\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.ID_TOO_LONG,
                rejected(
                        "{\"user_id\":\"u\",\"item_id\":\"iiiiiiiiiiiiiiiii\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.UNKNOWN_EVENT_TYPE,
                rejected("{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"teleport\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.NON_FINITE_VALUE,
                rejected(
                        "{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"rate\",\"value\":\"NaN\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.FUTURE_EVENT_TIME,
                rejected("{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":"
                        + (NOW + 7_200_000) + "}"));
        assertEquals(
                ReasonCode.BAD_EVENT_TIME,
                rejected("{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":\"yesterday\"}"));
        assertEquals(
                ReasonCode.BAD_EVENT_TIME,
                rejected("{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":-3}"));
        assertEquals(ReasonCode.UNDECODABLE, rejected("{\"user_id\":\"u\",\"item_id\":"));
        assertEquals(ReasonCode.UNDECODABLE, rejected("{\"user_id\":{\"x\":1}}"));
        assertEquals(ReasonCode.UNDECODABLE, rejected("[1,2]"));
        assertEquals(ReasonCode.UNDECODABLE, rejected("{} {}"));
        assertEquals(ReasonCode.OVERSIZED, rejected("{\"user_id\":\"" + "u".repeat(2000) + "\"}"));
    }

    /** The four kinds a held-out set of bad records got through as edges (issue 15), each with its own reason. */
    @Test
    void idsAndKeysThatLookValidButAreNot() {
        assertEquals(
                ReasonCode.CONTROL_CHARACTER_IN_ID,
                rejected("{\"user_id\":\"u\\u0000x\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.CONTROL_CHARACTER_IN_ID,
                rejected("{\"user_id\":\"u\",\"item_id\":\"i\\n\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.BLANK_ID,
                rejected("{\"user_id\":\"   \",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.BLANK_ID,
                rejected("{\"user_id\":\"u\",\"item_id\":\"\\u2003\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.INVALID_UNICODE,
                rejected("{\"user_id\":\"u\\ud800\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.INVALID_UNICODE,
                rejected("{\"user_id\":\"u\",\"item_id\":\"\\udc00i\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.INVALID_UNICODE,
                rejected(
                        "{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5,\"properties\":{\"d\":\"\\ud800\"}}"));
        assertEquals(
                ReasonCode.DUPLICATE_KEY,
                rejected(
                        "{\"user_id\":\"u\",\"item_id\":\"i\",\"item_id\":\"j\",\"event_type\":\"view\",\"event_time\":5}"));
        assertEquals(
                ReasonCode.DUPLICATE_KEY,
                rejected(
                        "{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"view\",\"event_time\":5,\"properties\":{\"d\":\"a\",\"d\":\"b\"}}"));
        // still accepted: a paired surrogate (an emoji), inner spaces, an integer id
        InteractionEvent e =
                json("{\"user_id\":\"u \\ud83d\\ude00\",\"item_id\":7,\"event_type\":\"view\",\"event_time\":5}");
        assertEquals("u \ud83d\ude00", e.getUserId());
        assertEquals(EventType.VIEW, validator.check(e, NOW));
    }
}
