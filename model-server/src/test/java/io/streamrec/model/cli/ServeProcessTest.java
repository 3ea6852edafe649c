package io.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.common.StateLock;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a real child process: it exits when the process named by {@code --parent-pid}
 * dies (here a {@code sleep} killed with SIGKILL), and a second one on the same state directory
 * fails at once, naming the directory and the holder. No broker is needed: both happen before the
 * server would reach Kafka (its bootstrap here goes nowhere).
 */
class ServeProcessTest {
    @TempDir
    Path dir;

    private static ProcessBuilder serve(Path state, Path log, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.streamrec.common.cli.Streamrec",
                "serve",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--no-text",
                "--http",
                "off",
                "--state-dir",
                state.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    @Test
    void exitsWhenItsParentIsKilledAndHoldsItsStateDirectoryAlone() throws Exception {
        Path state = dir.resolve("state");
        Process parent = new ProcessBuilder("sleep", "600").start();
        Process server = serve(state, dir.resolve("first.log"), "--parent-pid", Long.toString(parent.pid()))
                .start();
        try {
            Path lockFile = state.resolve(StateLock.FILE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(lockFile) && Files.readString(lockFile).contains("pid " + server.pid()))
                    && System.nanoTime() < deadline) {
                assertTrue(server.isAlive(), "serve exited early: " + Files.readString(dir.resolve("first.log")));
                Thread.sleep(100);
            }
            assertTrue(Files.readString(lockFile).contains("pid " + server.pid()), "the lock file names its holder");

            // a second server on the same directory: refused at once, with the directory and the holder
            Process second = serve(state, dir.resolve("second.log")).start();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second server did not stop");
            String out = Files.readString(dir.resolve("second.log"), StandardCharsets.UTF_8);
            assertEquals(1, second.exitValue(), out);
            assertTrue(
                    out.contains("is in use by another process")
                            && out.contains("--state-dir")
                            && out.contains(state.toAbsolutePath().toString())
                            && out.contains("pid " + server.pid()),
                    out);
            assertTrue(server.isAlive(), "the first server is not disturbed");

            parent.destroyForcibly(); // SIGKILL: nothing of the parent's runs
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve outlived its parent by 30 s");
            assertTrue(Files.readString(dir.resolve("first.log")).contains("has exited: stopping"));

            // the OS released the lock with the process: a new one takes the directory
            try (StateLock again = StateLock.acquire(state, "the test", "--state-dir")) {
                assertTrue(Files.readString(again.file())
                        .contains("pid " + ProcessHandle.current().pid()));
            }
        } finally {
            server.destroyForcibly();
            parent.destroyForcibly();
        }
    }

    @Test
    void aLockHeldInThisProcessIsRefusedTooAndReleasedOnClose() throws Exception {
        try (StateLock first = StateLock.acquire(dir, "the first", "--state-dir")) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> StateLock.acquire(dir, "the second", "--state-dir"));
            assertTrue(
                    e.getMessage().contains("the first")
                            && e.getMessage().contains(dir.toAbsolutePath().toString()),
                    e.getMessage());
        }
        StateLock.acquire(dir, "the third", "--state-dir").close();
        assertFalse(new File(dir.toFile(), "missing").exists());
    }
}
