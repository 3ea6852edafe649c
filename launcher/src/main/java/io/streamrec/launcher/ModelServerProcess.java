package io.streamrec.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server as a child JVM ({@code ModelCli serve}), supervised: its output goes to a log
 * file; if it dies it is started again after a pause (it resumes from its snapshot plus the
 * changelog after it); {@link #close} stops it with SIGTERM (it finishes the version in hand and
 * exits), then kills it if it has not exited within 30 s.
 *
 * <p>Its classpath comes from {@code streamrec.modelServer.classpath} (set by {@code ./streamrec}),
 * else the model-server module's build output under the working directory.
 */
final class ModelServerProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServerProcess.class);
  static final String CLASSPATH_PROPERTY = "streamrec.modelServer.classpath";

  private final List<String> command;
  private final Path log;
  private final Thread supervisor;
  private volatile Process process;
  private volatile boolean closing;
  private int starts;

  ModelServerProcess(List<String> serveArgs, Path log, String heap) {
    this.log = log;
    command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    command.add("-Dai.djl.offline=true");
    command.add("-cp");
    command.add(classpath());
    command.add("io.streamrec.model.cli.ModelCli");
    command.add("serve");
    command.addAll(serveArgs);
    supervisor = new Thread(this::supervise, "model-server-supervisor");
    supervisor.setDaemon(true);
  }

  static String classpath() {
    String cp = System.getProperty(CLASSPATH_PROPERTY, "");
    if (!cp.isBlank()) {
      return cp;
    }
    Path target = Path.of("model-server", "target");
    Path jar = target.resolve("streamrec-model-server-0.1.0-SNAPSHOT.jar");
    Path lib = target.resolve("lib-cpu");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new IllegalStateException("cannot find the model server: set -D" + CLASSPATH_PROPERTY + " or build it ("
          + "./streamrec pipeline does; or mvn -pl model-server -am package); looked for " + jar.toAbsolutePath()
          + " and " + lib.toAbsolutePath());
    }
    return jar.toAbsolutePath() + File.pathSeparator + lib.toAbsolutePath() + File.separator + "*";
  }

  void start() {
    supervisor.start();
  }

  private void supervise() {
    while (!closing) {
      try {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        starts++;
        LOG.info("Model server started (pid {}{}), log: {}", process.pid(), starts > 1 ? ", restart " + (starts - 1) : "", log);
        int rc = process.waitFor();
        if (closing) {
          return;
        }
        LOG.warn("Model server exited with status {} (see {}); starting it again in 5 s", rc, log);
        Thread.sleep(5000);
      } catch (IOException e) {
        LOG.error("Cannot start the model server: {}", e.toString());
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
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
