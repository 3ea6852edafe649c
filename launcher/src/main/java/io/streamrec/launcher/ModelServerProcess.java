package io.streamrec.launcher;

import io.streamrec.common.cli.Streamrec;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server as a child JVM ({@code streamrec serve}), supervised: its output goes to a log
 * file; if it dies it is started again after a pause (it resumes from its snapshot plus the
 * changelog after it); {@link #close} stops it with SIGTERM (it finishes the version in hand and
 * exits), then kills it if it has not exited within 30 s.
 *
 * <p>It is started with {@code --parent-pid} of this JVM, so it exits when this process dies, however
 * it dies (a SIGKILL of the pipeline runs none of its hooks). A child that exits with a usage error
 * (status 2), or that fails {@value #GIVE_UP_AFTER} times in a row the same way (same status, same
 * last error line) within a minute of its start, is not started again: the supervisor says why and
 * stops, instead of restarting it every few seconds without end. The pause between restarts doubles
 * from 5 s while it keeps failing.
 *
 * <p>Its classpath comes from {@code streamrec.modelServer.classpath} when set, else this JVM's own
 * when it holds the model server (as {@code ./streamrec} does), else the model-server module's
 * build output under the working directory.
 */
final class ModelServerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServerProcess.class);
    static final String CLASSPATH_PROPERTY = "streamrec.modelServer.classpath";

    private final List<String> command;
    private final Path log;
    private final Thread supervisor;
    private volatile Process process;
    private volatile boolean closing;
    private volatile String gaveUp;
    private final long pauseSeconds;
    private int starts;
    static final int GIVE_UP_AFTER = 5;
    private static final long QUICK_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(60);

    ModelServerProcess(List<String> serveArgs, Path log, String heap) {
        this(serveCommand(serveArgs, heap), log, 5);
    }

    /** Supervises {@code command}; restarts pause {@code pauseSeconds}, doubling while it keeps failing. */
    ModelServerProcess(List<String> command, Path log, long pauseSeconds) {
        this.log = log;
        this.command = List.copyOf(command);
        this.pauseSeconds = pauseSeconds;
        supervisor = new Thread(this::supervise, "model-server-supervisor");
        supervisor.setDaemon(true);
    }

    private static List<String> serveCommand(List<String> serveArgs, String heap) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(classpath());
        command.add(Streamrec.class.getName());
        command.add("serve");
        command.addAll(serveArgs);
        command.add("--parent-pid");
        command.add(Long.toString(ProcessHandle.current().pid()));
        return command;
    }

    static String classpath() {
        String cp = System.getProperty(CLASSPATH_PROPERTY, "");
        if (!cp.isBlank()) {
            return cp;
        }
        if (ModelServerProcess.class.getClassLoader().getResource("io/streamrec/model/cli/ServeCommand.class")
                != null) {
            return System.getProperty("java.class.path");
        }
        return classpath(Path.of(""));
    }

    /** The model server's build under the repository root {@code root}: its jar and its CPU libraries. */
    static String classpath(Path root) {
        Path target = root.resolve("model-server").resolve("target");
        Path jar = target.resolve("streamrec-model-server-0.1.0-SNAPSHOT.jar");
        Path lib = target.resolve("lib-cpu");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IllegalStateException(
                    "cannot find the model server: set -D" + CLASSPATH_PROPERTY + " or build it ("
                            + "./streamrec pipeline does; or mvn -pl model-server -am package); looked for "
                            + jar.toAbsolutePath()
                            + " and " + lib.toAbsolutePath());
        }
        return jar.toAbsolutePath() + File.pathSeparator + lib.toAbsolutePath() + File.separator + "*";
    }

    void start() {
        supervisor.start();
    }

    private void supervise() {
        String lastFailure = null;
        int sameInARow = 0;
        while (!closing) {
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                long logFrom = Files.exists(log) ? Files.size(log) : 0;
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                long startedAt = System.nanoTime();
                process = pb.start();
                starts++;
                LOG.info(
                        "Model server started (pid {}{}), log: {}",
                        process.pid(),
                        starts > 1 ? ", restart " + (starts - 1) : "",
                        log);
                int rc = process.waitFor();
                if (closing) {
                    return;
                }
                String cause = lastError(log, logFrom);
                if (rc == 2) {
                    gaveUp = "it rejected its arguments (exit status 2): " + cause;
                    LOG.error("Model server {}; not starting it again (see {})", gaveUp, log);
                    return;
                }
                String failure = rc + ": " + cause;
                boolean quick = System.nanoTime() - startedAt < QUICK_FAILURE_NANOS;
                sameInARow = quick && failure.equals(lastFailure) ? sameInARow + 1 : 1;
                lastFailure = failure;
                if (sameInARow >= GIVE_UP_AFTER) {
                    gaveUp = "it failed " + sameInARow
                            + " times in a row the same way, within a minute of each start (exit status " + failure
                            + ")";
                    LOG.error(
                            "Model server {}; not starting it again: fix the cause and restart (see {})", gaveUp, log);
                    return;
                }
                long pause = pauseSeconds << Math.min(sameInARow - 1, 3); // 5, 10, 20, 40 s
                LOG.warn(
                        "Model server exited with status {} ({}); starting it again in {} s (see {})",
                        rc,
                        cause,
                        pause,
                        log);
                Thread.sleep(pause * 1000);
            } catch (IOException e) {
                gaveUp = "it cannot be started: " + e;
                LOG.error("Cannot start the model server: {}", e.toString());
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The last line that reads as an error in what the child wrote to its log from {@code from} on (its last line if none does). */
    static String lastError(Path log, long from) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(from, len - 64 * 1024); // the tail is enough, and bounded
            byte[] tail = new byte[(int) (len - start)];
            f.seek(start);
            f.readFully(tail);
            String last = "";
            String error = null;
            for (String line : new String(tail, StandardCharsets.UTF_8).split("\\R")) {
                String l = line.replaceFirst("^\\d\\d:\\d\\d:\\d\\d[.,]\\d+\\s+", "")
                        .strip(); // times differ between runs
                if (l.isEmpty() || l.startsWith("at ") || l.startsWith("...")) {
                    continue;
                }
                last = l;
                if (l.startsWith("ERROR") || l.contains("Exception") || l.startsWith("Error") || l.contains("error:")) {
                    error = l;
                }
            }
            String s = error != null ? error : last.isEmpty() ? "no output" : last;
            return s.length() > 300 ? s.substring(0, 300) + "..." : s;
        } catch (IOException e) {
            return "its log cannot be read: " + e.getMessage();
        }
    }

    /** Why the supervisor stopped restarting the model server; null while it still does. */
    String gaveUp() {
        return gaveUp;
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public void close() {
        closing = true;
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warn("Model server did not stop within 30 s: killing it");
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
