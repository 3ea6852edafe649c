package io.streamrec.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.InteractionEvent;
import io.streamrec.schemas.avro.ItemEvent;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Coverage-guided fuzzing (Jazzer) of every decoder a record from outside goes through: interactions
 * (Avro and JSON), item events, embedding records and the changelog wire format. The property, for any
 * bytes: the decoder and the rules either accept the record or reject it with a {@link
 * MalformedRecordException} carrying a reason code and a message (what the graph job and the model server
 * dead-letter); nothing else escapes; and an accepted record encoded again decodes to the same record.
 *
 * <p>In {@code mvn verify} each target runs on its corpus in {@code src/test/resources/io/streamrec/schemas/
 * DecoderFuzzTestInputs/<target>/}: seeds and every input a fuzzing run found failing (kept as regression
 * tests). {@code bench/fuzz.sh MINUTES} fuzzes each target and reports inputs tried and coverage.
 */
class DecoderFuzzTest {
    private static final long NOW = 1_800_000_000_000L;
    private final InteractionDecoder interactions = new InteractionDecoder();
    private final InteractionValidator interactionRules = new InteractionValidator(64, 4096, Duration.ofDays(1));
    private final AvroCodec<InteractionEvent> interactionCodec = AvroCodec.of(InteractionEvent.class);
    private final AvroCodec<ItemEvent> items = AvroCodec.of(ItemEvent.class);
    private final ItemEventValidator itemRules = ItemEventValidator.defaults();
    private final AvroCodec<EmbeddingRecord> embeddings = AvroCodec.of(EmbeddingRecord.class);
    private final AvroCodec<GraphChange> changes = AvroCodec.of(GraphChange.class);
    private final GraphChangeWire wire = new GraphChangeWire();

    /** Runs {@code decode}; a rejection must say why. */
    private static <T> T acceptedOrRejected(Supplier<T> decode) {
        try {
            return decode.get();
        } catch (MalformedRecordException e) {
            assertNotNull(e.code());
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a rejection names its reason");
            return null;
        }
    }

    @FuzzTest
    void interactions(byte[] data) {
        InteractionEvent e = acceptedOrRejected(() -> {
            interactionRules.checkSize(data);
            InteractionEvent d = interactions.decode(data, NOW - 1000);
            interactionRules.check(d, NOW);
            return d;
        });
        if (e != null) {
            InteractionEvent again = interactionCodec.decode(interactionCodec.encode(e));
            assertEquals(e, again, "an accepted interaction encodes and decodes to itself");
            assertEquals(interactionRules.check(e, NOW), interactionRules.check(again, NOW));
        }
    }

    @FuzzTest
    void itemEvents(byte[] data) {
        ItemEvent e = acceptedOrRejected(() -> {
            ItemEvent d = items.decode(data);
            itemRules.check(d);
            return d;
        });
        if (e != null) {
            assertEquals(e, items.decode(items.encode(e)), "an accepted item event encodes and decodes to itself");
        }
    }

    @FuzzTest
    void embeddingRecords(byte[] data) {
        EmbeddingRecord r = acceptedOrRejected(() -> {
            EmbeddingRecord d = embeddings.decode(data);
            EmbeddingRecords.checked(d);
            return d;
        });
        if (r != null) {
            EmbeddingRecord again = embeddings.decode(embeddings.encode(r));
            assertEquals(r, again, "an accepted embedding record encodes and decodes to itself");
            assertArrayEquals(EmbeddingRecords.checked(r), EmbeddingRecords.checked(again));
        }
    }

    @FuzzTest
    void changelog(byte[] data) {
        GraphChange g = acceptedOrRejected(() -> changes.decode(data));
        if (g != null) {
            byte[] hand = wire.encode(g);
            assertArrayEquals(changes.encode(g), hand, "the hand-written changelog encoder writes what Avro writes");
            // bytes, not records: Avro's equals never holds for a NaN weight, which the wire must keep bit for bit
            assertArrayEquals(
                    hand, changes.encode(changes.decode(hand)), "a changelog record encodes and decodes to itself");
        }
    }
}
