package io.streamrec.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.flink.ingest.InteractionDeserializer;
import io.streamrec.flink.ingest.Parsed;
import io.streamrec.schemas.InteractionValidator;
import io.streamrec.schemas.ReasonCode;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job's deserializer on the workload the Kafka tests produce, without Kafka: each malformed
 * record becomes a dead letter with its reason code and a reason that names what is wrong (the
 * patterns ChangelogCheck holds the Kafka runs to); every other record becomes an interaction.
 */
class DeadLetterReasonsTest {
    @Test
    void everyMalformedKindSaysWhatIsWrong() {
        TestWorkload w = new TestWorkload(3, 200, 100).generate(3_000, 6);
        InteractionDeserializer d = new InteractionDeserializer(InteractionValidator.defaults());
        Map<ReasonCode, Integer> perKind = new EnumMap<>(ReasonCode.class);
        long offset = 0;
        for (byte[][] r : w.records) {
            Parsed p = d.parse(r[1], r[0], 0, "in", 0, offset++, System.currentTimeMillis());
            ReasonCode expected = w.malformed.get(Base64.getEncoder().encodeToString(r[1]));
            if (expected == null) {
                assertNull(p.deadLetter, () -> "a well-formed record was dead-lettered: " + p.deadLetter.reason);
                assertNotNull(p.interaction);
                continue;
            }
            assertNotNull(p.deadLetter, expected + " was accepted");
            assertEquals(expected.name(), p.deadLetter.reasonCode, p.deadLetter.reason);
            assertTrue(
                    ChangelogCheck.READABLE_REASON
                            .get(expected)
                            .matcher(p.deadLetter.reason)
                            .find(),
                    expected + ": the reason says what is wrong, got '" + p.deadLetter.reason + "'");
            perKind.merge(expected, 1, Integer::sum);
        }
        for (ReasonCode k : TestWorkload.BAD_KINDS) {
            assertEquals(6, perKind.getOrDefault(k, 0), "malformed records of kind " + k);
        }
    }
}
