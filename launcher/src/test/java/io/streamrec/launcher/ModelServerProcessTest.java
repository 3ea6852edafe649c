package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor restarts a failing child, gives up on one that fails the same way over and over, and says why. */
class ModelServerProcessTest {
    @TempDir
    Path dir;

    private static void awaitGiveUp(ModelServerProcess p) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (p.gaveUp() == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void givesUpOnAChildThatFailsTheSameWayAndNamesTheCause() throws Exception {
        Path log = dir.resolve("child.log");
        Path count = dir.resolve("starts");
        String script = "echo x >> " + count + "; echo '12:00:0'$(date +%N | cut -c1)'.123 INFO  Server - starting';"
                + " echo \"$(date +%H:%M:%S.%3N) ERROR ModelServer - state directory /s is in use by another process\"; exit 1";
        try (ModelServerProcess p = new ModelServerProcess(List.of("sh", "-c", script), log, 0)) {
            p.start();
            awaitGiveUp(p);
            assertNotNull(p.gaveUp(), "still restarting");
            assertTrue(
                    p.gaveUp().contains(ModelServerProcess.GIVE_UP_AFTER + " times in a row")
                            && p.gaveUp().contains("exit status 1")
                            && p.gaveUp().contains("ERROR ModelServer - state directory /s is in use"),
                    p.gaveUp());
            Thread.sleep(300);
            assertEquals(
                    ModelServerProcess.GIVE_UP_AFTER,
                    Files.readAllLines(count).size(),
                    "started again after giving up");
        }
    }

    @Test
    void aUsageErrorIsNotRetried() throws Exception {
        Path count = dir.resolve("starts");
        try (ModelServerProcess p = new ModelServerProcess(
                List.of("sh", "-c", "echo x >> " + count + "; echo 'Unknown option: --bogus'; exit 2"),
                dir.resolve("child.log"),
                0)) {
            p.start();
            awaitGiveUp(p);
            assertTrue(
                    p.gaveUp().contains("rejected its arguments") && p.gaveUp().contains("Unknown option: --bogus"),
                    p.gaveUp());
            assertEquals(1, Files.readAllLines(count).size());
        }
    }

    @Test
    void failuresThatDifferAreRetried() throws Exception {
        Path count = dir.resolve("starts");
        // a different error each time (the start count is in it), then it stays up
        String script = "echo x >> " + count + "; n=$(wc -l < " + count
                + "); if [ $n -lt 7 ]; then echo \"ERROR failure $n\"; exit 1; fi; sleep 30";
        try (ModelServerProcess p = new ModelServerProcess(List.of("sh", "-c", script), dir.resolve("child.log"), 0)) {
            p.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!(Files.exists(count) && Files.readAllLines(count).size() >= 7 && p.alive())
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(p.alive(), "the seventh start should be running");
            assertNull(p.gaveUp());
        }
    }
}
