package io.streamrec.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.streamrec.model.server.IncrementalModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prequential harness on a small timestamped stream: what it counts, that it repeats itself, and bad input. */
class PrequentialReplayTest {
    @TempDir
    Path dir;

    /** 60 users, 40 items in 4 taste groups; each user draws mostly from its group, in time order. */
    private static List<long[]> stream() {
        SplittableRandom r = new SplittableRandom(3);
        List<long[]> events = new ArrayList<>();
        for (int t = 0; t < 2_400; t++) {
            long u = 1 + r.nextInt(60);
            long group = u % 4;
            long item = r.nextInt(10) < 8 ? 1 + group * 10 + r.nextInt(10) : 1 + r.nextInt(40);
            events.add(new long[] {u, item, 1_000_000L + t});
        }
        return events;
    }

    private static IncrementalModel model() {
        return new IncrementalModel(IncrementalModel.Settings.builder()
                .dim(8)
                .layers(1)
                .learningRate(0.01)
                .batchSize(128)
                .initialEpochs(5)
                .budget(IncrementalModel.Budget.fixed(20))
                .seed(5)
                .device(Device.cpu())
                .build());
    }

    @Test
    void scoresEveryFirstInteractionAfterTheWarmUpAndRepeatsItself() throws Exception {
        List<long[]> events = stream();
        PrequentialReplay.Options o = new PrequentialReplay.Options(0.25, 300, 200, true);
        List<Integer> progress = new ArrayList<>();
        PrequentialReplay.Result a = PrequentialReplay.run(
                new ArrayList<>(events), o, PrequentialReplayTest::model, (done, total, v) -> progress.add(done));
        int start = (int) (events.size() * 0.25);
        Set<String> seen = new HashSet<>();
        int firstTimes = 0;
        for (int k = 0; k < events.size(); k++) {
            boolean first = seen.add(events.get(k)[0] + " " + events.get(k)[1]);
            firstTimes += k >= start && first ? 1 : 0;
        }
        assertEquals(firstTimes, a.scored(), "every first interaction after the warm-up is scored, repeats are not");
        assertEquals(start, a.warmupEvents());
        assertEquals(events.size(), a.events());
        assertEquals(a.scored() / 200, a.series().size(), "one series point per full window");
        // the first version at the warm-up, then one every 300 events, and one at the 90% hold-out point
        assertTrue(a.versions() >= 1 + (events.size() - start) / 300, "versions: " + a.versions());
        assertEquals(events.size() - start, progress.get(progress.size() - 1));
        for (String s : PrequentialReplay.SCORERS) {
            double ndcg = (double) a.overall().get(s + "_ndcg@10");
            double hr = (double) a.overall().get(s + "_hr@10");
            assertTrue(ndcg >= 0 && ndcg <= hr && hr <= 1, s + ": NDCG@10 " + ndcg + ", HR@10 " + hr);
        }
        // the groups are learned: well above most-popular, which cannot see them (0.61 against 0.32 when written)
        assertTrue(
                (double) a.overall().get("incremental_hr@10")
                        > (double) a.overall().get("most_popular_hr@10") + 0.1,
                "incremental HR@10 well above most-popular's: " + a.overall());
        assertTrue(a.incrementalNdcg20() > 0 && a.fullRetrainNdcg20() > 0 && a.tailUsers() > 0);
        PrequentialReplay.Result b =
                PrequentialReplay.run(new ArrayList<>(events), o, PrequentialReplayTest::model, (done, total, v) -> {});
        assertEquals(a.overall(), b.overall(), "the same stream, seed and settings give the same figures");
        assertEquals(a.incrementalNdcg20(), b.incrementalNdcg20());
    }

    @Test
    void aBadLineNamesTheFileAndTheLine() throws Exception {
        Path f = dir.resolve("u.data");
        Files.writeString(f, "1\t2\t5\t881250949\n\n3\t4\tfive\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PrequentialReplay.readEvents(f));
        assertTrue(e.getMessage().startsWith(f + ":3: expected user, item, rating, time"), e.getMessage());
        Files.writeString(f, "1\t2\t5\tsoon\n");
        e = assertThrows(IllegalArgumentException.class, () -> PrequentialReplay.readEvents(f));
        assertTrue(e.getMessage().startsWith(f + ":1: not a number"), e.getMessage());
    }
}
