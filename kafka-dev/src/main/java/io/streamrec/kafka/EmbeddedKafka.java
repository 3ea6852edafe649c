package io.streamrec.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) running in this JVM, on
 * 127.0.0.1. For tests and the single-machine run; production uses a real cluster.
 *
 * <p>The log directory persists: starting again on the same directory resumes the same cluster
 * with its topics and offsets (formatting happens only once).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int START_ATTEMPTS = 5;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final String saslBootstrapServers;
    private final Path logDir;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, String saslBootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
        this.logDir = logDir;
    }

    /**
     * A broker with a second client listener, SASL_PLAINTEXT with the PLAIN mechanism and these
     * users (name to password), at {@link #saslBootstrapServers()}: for testing that every component
     * takes the same client security settings. The broker's own traffic stays on PLAINTEXT.
     */
    public static EmbeddedKafka startWithSasl(Path logDir, Map<String, String> users) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(logDir, freePort(), freePort(), freePort(), users);
            } catch (RuntimeException e) {
                last = e;
                if (!isBindFailure(e)) {
                    break;
                }
            }
        }
        throw new IllegalStateException(
                "could not start the embedded Kafka broker in " + logDir + ": " + last.getMessage(), last);
    }

    /** The SASL_PLAINTEXT listener of {@link #startWithSasl}; null for a plain broker. */
    public String saslBootstrapServers() {
        return saslBootstrapServers;
    }

    /**
     * Starts a broker.
     *
     * @param logDir where the log lives (created; formatted on first use)
     * @param port the client port, or 0 for a free one (retried with new ports if taken meanwhile)
     */
    public static EmbeddedKafka start(Path logDir, int port) {
        if (port > 0) { // say it plainly rather than through the broker's fatal-error stack traces
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                throw new IllegalStateException(
                        "port " + port + " on 127.0.0.1 is already in use (another Kafka, or a pipeline "
                                + "still running?): stop it, or choose another port (--kafka-port; 0 takes any free one)");
            }
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int brokerPort = port > 0 ? port : freePort();
            int controllerPort = freePort();
            try {
                return startOnce(logDir, brokerPort, controllerPort, 0, Map.of());
            } catch (RuntimeException e) {
                last = e;
                if (port > 0 || !isBindFailure(e)) {
                    break;
                }
                LOG.warn(
                        "Kafka could not bind port {} or {} (attempt {}), retrying on new ports",
                        brokerPort,
                        controllerPort,
                        attempt);
            }
        }
        throw new IllegalStateException(
                "could not start the embedded Kafka broker in " + logDir + ": " + last.getMessage(), last);
    }

    private static EmbeddedKafka startOnce(
            Path logDir, int brokerPort, int controllerPort, int saslPort, Map<String, String> users) {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String sasl = saslPort > 0 ? ",SASL_PLAINTEXT://127.0.0.1:" + saslPort : "";
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort + sasl);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + sasl);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + (saslPort > 0 ? ",SASL_PLAINTEXT:SASL_PLAINTEXT" : ""));
        if (saslPort > 0) {
            p.put("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            users.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            p.put(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    jaas.append(';').toString());
        }
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // After a crash the restarted node waits out its previous incarnation's broker session before it
        // serves: 9 s by default made a restart after SIGKILL take 13 s (a clean start: 2.5 s); 2 s here: 4.9 s
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "2000");
        // Flink's exactly-once sink keeps transactions open up to its checkpoint interval and timeout
        p.put("transaction.max.timeout.ms", "900000");
        p.put("message.max.bytes", String.valueOf(4 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(p, logDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka log dir " + logDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException ignored) {
                // already failing
            }
            throw e;
        }
        String bootstrap = "127.0.0.1:" + brokerPort;
        LOG.info(
                "Embedded Kafka {} started in {} ms (log dir {})",
                bootstrap,
                (System.nanoTime() - t0) / 1_000_000,
                logDir);
        return new EmbeddedKafka(server, bootstrap, saslPort > 0 ? "127.0.0.1:" + saslPort : null, logDir);
    }

    private static void format(Properties p, Path logDir) throws IOException {
        Path cfg = Files.createTempFile("streamrec-kraft", ".properties");
        try {
            try (var w = Files.newBufferedWriter(cfg)) {
                p.store(w, "streamrec embedded broker");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException(
                        "formatting Kafka log dir " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof BindException || m.contains("Address already in use") || m.contains("bind")) {
                return true;
            }
        }
        return false;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        long t0 = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Embedded Kafka {} stopped in {} ms", bootstrapServers, (System.nanoTime() - t0) / 1_000_000);
    }
}
