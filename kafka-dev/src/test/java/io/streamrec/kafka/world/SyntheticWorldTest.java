package io.streamrec.kafka.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo world: deterministic (a re-run resumes by fast-forwarding), topical text, arriving items, taste-driven users. */
class SyntheticWorldTest {
    @Test
    void fastForwardResumesExactlyWhereARunStopped() {
        SyntheticWorld a = new SyntheticWorld(3, 200, 40, 50, 0.01);
        List<SyntheticWorld.Interaction> all = new ArrayList<>();
        for (int k = 0; k < 5_000; k++) {
            all.add(a.next());
        }
        SyntheticWorld b = new SyntheticWorld(3, 200, 40, 50, 0.01);
        b.fastForward(3_000);
        for (int k = 3_000; k < 5_000; k++) {
            assertEquals(all.get(k), b.next(), "event " + k);
        }
        assertEquals(a.catalog(), b.catalog());
    }

    @Test
    void itemsArriveWithTextOfTheirTopic() {
        SyntheticWorld w = new SyntheticWorld(1, 100, 16, 10, 0);
        assertEquals(16, w.catalog().size());
        for (int k = 0; k < 100; k++) {
            w.next();
        }
        List<SyntheticWorld.Item> arrived = w.takeArrivals();
        assertEquals(10, arrived.size(), "one new item every 10 interactions");
        assertTrue(w.takeArrivals().isEmpty(), "arrivals are handed out once");
        for (SyntheticWorld.Item it : w.catalog()) {
            List<String> vocabulary = Arrays.asList(SyntheticWorld.TOPICS[it.topic()]);
            long topical = Arrays.stream((it.title() + " " + it.description())
                            .replaceAll("[.,]", "")
                            .split(" "))
                    .filter(vocabulary::contains)
                    .count();
            assertTrue(topical >= 5, it + " has its topic's words");
        }
    }

    @Test
    void usersMostlyTakeItemsOfTheirFavouriteTopic() {
        SyntheticWorld w = new SyntheticWorld(5, 300, 80, 0, 0);
        Map<String, Integer> topicOf = new HashMap<>();
        w.catalog().forEach(i -> topicOf.put(i.id(), i.topic()));
        int matching = 0;
        int n = 0;
        for (int k = 0; k < 20_000; k++) {
            SyntheticWorld.Interaction e = w.next();
            if (!e.type().equals("remove")) {
                n++;
                matching += topicOf.get(e.item()) == w.favouriteTopic(e.user()) ? 1 : 0;
            }
        }
        assertTrue(matching > 0.6 * n, "favourite topic share " + matching + "/" + n);
    }

    @Test
    void badSettingsSayWhatIsWrong() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new SyntheticWorld(1, 0, 40, 10, 0));
        assertTrue(e.getMessage().contains("users >= 1"), e.getMessage());
    }
}
