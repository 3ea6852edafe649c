package io.streamrec.model.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.model.server.CutAlignment.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cut alignment on its own: partitions "a" and "b", edges "e1".., markers "CUT1".. . */
class CutAlignmentTest {
    private final CutAlignment<String, String> align = new CutAlignment<>(List.of("a", "b"), r -> r.startsWith("CUT"));
    private final List<String> applied = new ArrayList<>();
    private final List<String> paused = new ArrayList<>();

    @Test
    void aPartitionAtItsMarkerWaitsForTheOthers() {
        assertEquals(Step.APPLY, align.offer("a", 0, "e1"));
        assertEquals(Step.PAUSE, align.offer("a", 1, "CUT1"));
        assertEquals(Step.HOLD, align.offer("a", 2, "e3"), "past its marker, a partition's records wait");
        assertFalse(align.complete());
        assertThrows(IllegalStateException.class, align::cut);
        assertEquals(Step.APPLY, align.offer("b", 0, "e2"));
        assertEquals(Step.PAUSE, align.offer("b", 1, "CUT1"));
        assertTrue(align.complete());
        assertEquals("CUT1", align.cut());
        assertEquals(Optional.of(2L), align.firstHeld("a"));
        assertEquals(Optional.empty(), align.firstHeld("b"));
        align.release(applied::add, paused::add);
        assertEquals(List.of("e3"), applied, "what was held is applied after the cut");
        assertEquals(List.of(), paused);
        assertFalse(align.complete());
        assertEquals(Step.APPLY, align.offer("a", 3, "e4"), "a released partition reads on");
    }

    @Test
    void heldRecordsStopAtTheNextMarkerAndStayInOrder() {
        align.offer("a", 0, "CUT1");
        align.offer("a", 1, "e1");
        align.offer("a", 2, "CUT2");
        align.offer("a", 3, "e5");
        align.offer("a", 4, "e6");
        align.offer("b", 0, "e2");
        align.offer("b", 1, "CUT1");
        align.offer("b", 2, "e3");
        align.release(applied::add, paused::add);
        assertEquals(List.of("e1", "e3"), applied);
        assertEquals(List.of("a"), paused, "a stops again at its second marker");
        assertEquals(Optional.of(3L), align.firstHeld("a"), "records past the second marker stay held");
        assertFalse(align.complete());
        assertEquals(Step.HOLD, align.offer("a", 5, "e7"), "a keeps holding behind its second marker");
        assertEquals(Step.APPLY, align.offer("b", 3, "e4"));
        assertEquals(Step.PAUSE, align.offer("b", 4, "CUT2"));
        assertTrue(align.complete());
        assertEquals("CUT2", align.cut());
        align.release(applied::add, paused::add);
        assertEquals(List.of("e1", "e3", "e5", "e6", "e7"), applied);
    }

    @Test
    void noPartitionsNeverCompleteAndACutCannotBeReleasedEarly() {
        CutAlignment<String, String> none = new CutAlignment<>(List.of(), r -> r.startsWith("CUT"));
        assertFalse(none.complete());
        align.offer("a", 0, "CUT1");
        assertThrows(IllegalStateException.class, () -> align.release(applied::add, paused::add));
    }
}
