package io.streamrec.kafka;

import io.streamrec.common.ParentWatch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker ({@link EmbeddedKafka}) in a child JVM of its own, so that it can be killed
 * and restarted on the same log directory and port: what a chaos run needs to restart "the
 * broker" as a crash would. The child exits when this process dies, however it dies.
 *
 * <p>{@code main} is the child's entry point: {@code --dir DIR --port PORT --parent-pid PID}.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);
    static final String READY = "BROKER READY ";

    private final Path dir;
    private final int port;
    private final Path log;
    private Process process;

    private BrokerProcess(Path dir, int port, Path log) {
        this.dir = dir;
        this.port = port;
        this.log = log;
    }

    /** Starts a broker child on {@code dir} and a free port; returns once it accepts clients. */
    public static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        BrokerProcess b = new BrokerProcess(dir, port, dir.resolveSibling(dir.getFileName() + ".log"));
        b.launch();
        return b;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL, as a crash or the OOM killer would; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts it again on the same directory and port; returns once it accepts clients. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        long from = Files.exists(log) ? Files.size(log) : 0;
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                BrokerProcess.class.getName(),
                "--dir",
                dir.toString(),
                "--port",
                Integer.toString(port),
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid()));
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log)
                    ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).substring((int) from)
                    : "";
            if (out.contains(READY)) {
                LOG.info(
                        "Broker child {} (pid {}) ready in {} ms",
                        bootstrapServers(),
                        process.pid(),
                        (System.nanoTime() - t0) / 1_000_000);
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker child exited with status " + process.exitValue()
                        + "; its log " + log + ":\n" + out);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the broker child did not become ready within 90 s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The child: runs the broker until it is killed, stopped (SIGTERM) or its parent dies. */
    public static void main(String[] args) {
        Path dir = null;
        int port = 0;
        long parent = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--parent-pid" -> parent = Long.parseLong(args[i + 1]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown option " + args[i] + " (known: --dir, --port, --parent-pid)");
            }
        }
        if (dir == null || port <= 0) {
            throw new IllegalArgumentException("usage: BrokerProcess --dir DIR --port PORT [--parent-pid PID]");
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
        if (parent > 0) {
            ParentWatch.watch(parent, pid -> {
                System.out.println("parent " + pid + " exited: stopping the broker");
                Runtime.getRuntime().halt(3);
            });
        }
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
