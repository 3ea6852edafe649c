package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamrec.common.cli.Streamrec;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pipeline} command as real processes. First, SIGKILL of the whole process (as the OOM
 * killer would do it), then the same command again: the orphaned model-server child exits by
 * itself (its {@code --parent-pid}), the restart resumes the graph job from its checkpoint and the
 * model server from its snapshot, versions keep growing, and the changelog holds every change once
 * with dense seqs ({@code bench/kill-pipeline.sh} is the long form, with timings). Then, on the
 * restarted pipeline, its dashboard in headless Chromium ({@link DashboardBrowser}): the charts
 * render, the newest values shown are the newest metric points on the topic, and the version list
 * is the embeddings topic's COMMITs. One pipeline serves both tests: a second one would cost a
 * minute of {@code mvn verify}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineProcessTest {
    private static final Pattern PUBLISHED = Pattern.compile("Published version (\\d+)");

    @TempDir // static: one directory for both tests (an instance field's is deleted after each test, under the running
    // pipeline)
    static Path dir;

    private int port;
    private int dashboardPort;
    private int flinkMetricsPort;
    private int modelHttpPort;
    private Path log;
    /** The pipeline left running for the dashboard test (the restarted one), stopped after all tests. */
    private Process running;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process start(int port, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                Streamrec.class.getName(),
                "pipeline",
                "--dir",
                dir.resolve("state").toString(),
                "--kafka-port",
                Integer.toString(port),
                "--generate-rate",
                "300",
                "--trigger-interval",
                "3s",
                "--status-every",
                "5s",
                "--model-http",
                "127.0.0.1:" + modelHttpPort,
                "--model-heap",
                "768m",
                "--model-arg=--no-text",
                "--model-arg=--initial-epochs=3",
                "--metrics-time-window",
                "5s",
                "--dashboard-port",
                Integer.toString(dashboardPort),
                "--flink-metrics-port",
                Integer.toString(flinkMetricsPort)));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private static final long T0 = System.nanoTime();

    /** Where the class's time goes (one line per step: it is one of the longest tests of mvn verify). */
    private static void stamp(String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    private static String awaitLine(Path log, long from, Pattern p, Duration timeout, Process alive) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                String text = Files.readString(log);
                Matcher m = p.matcher(text.substring((int) Math.min(from, text.length())));
                if (m.find()) {
                    stamp(p.pattern());
                    return m.group();
                }
            }
            if (alive != null && !alive.isAlive()) {
                fail("the pipeline exited (" + alive.exitValue() + ") before '" + p + "':\n" + tail(log));
            }
            Thread.sleep(200);
        }
        fail("no '" + p + "' within " + timeout + " in " + log + ":\n" + tail(log));
        return null;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /**
     * Every metric a panel of the Grafana dashboard ({@code docker/grafana/dashboards/streamrec.json})
     * queries is one the pipeline's components expose: a renamed figure breaks the test, not the panel.
     */
    private static void checkGrafanaPanels(String scraped) throws IOException {
        String grafana = Files.readString(Path.of("..", "docker", "grafana", "dashboards", "streamrec.json"));
        Matcher m = Pattern.compile("\\b((?:streamrec|flink)_[A-Za-z0-9_]+)").matcher(grafana);
        Set<String> missing = new TreeSet<>();
        int n = 0;
        while (m.find()) {
            n++;
            if (!Pattern.compile("(?m)^" + Pattern.quote(m.group(1)) + "[ {]")
                    .matcher(scraped)
                    .find()) {
                missing.add(m.group(1));
            }
        }
        assertTrue(n > 10, "metric names in the Grafana dashboard: " + n);
        assertTrue(missing.isEmpty(), "the Grafana dashboard queries metrics nobody exposes: " + missing);
    }

    /** The page at {@code url} once it matches {@code p} (Prometheus text: figures appear as the run goes). */
    private static String awaitScrape(String url, Pattern p) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "(nothing)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = "HTTP " + r.statusCode() + "\n" + r.body();
                if (r.statusCode() == 200 && p.matcher(r.body()).find()) {
                    stamp(url);
                    return r.body();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1_000);
        }
        fail("no " + p + " at " + url + " within 60 s; last: " + last.substring(0, Math.min(3000, last.length())));
        return null;
    }

    private static long size(Path f) throws IOException {
        return Files.exists(f) ? Files.size(f) : 0;
    }

    @AfterAll
    void stopThePipeline() throws InterruptedException {
        if (running != null) {
            running.destroy(); // SIGTERM: the pipeline stops its children
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                running.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                running.destroyForcibly();
            }
        }
    }

    @Test
    @Order(1)
    void aKilledPipelineLeavesNoOrphanAndItsRestartResumes() throws Exception {
        port = freePort();
        dashboardPort = freePort();
        flinkMetricsPort = freePort();
        modelHttpPort = freePort();
        log = dir.resolve("pipeline.log");
        Path modelLog = dir.resolve("state").resolve("model-server.log");
        Process first = start(port, log);
        Process second = null;
        try {
            awaitLine(log, 0, Pattern.compile("pipeline running"), Duration.ofSeconds(120), first);
            awaitLine(modelLog, 0, PUBLISHED, Duration.ofSeconds(120), first);
            Thread.sleep(2_000); // events after the version, and a checkpoint
            // the supervisor logs its child's pid (a command line as long as this classpath is cut short in /proc)
            Matcher started =
                    Pattern.compile("Model server started \\(pid (\\d+)").matcher(Files.readString(log));
            assertTrue(started.find(), "the pipeline logs its model-server child's start");
            Optional<ProcessHandle> child = ProcessHandle.of(Long.parseLong(started.group(1)))
                    .filter(h -> h.parent().map(ProcessHandle::pid).orElse(-1L) == first.pid());
            assertTrue(child.isPresent(), "the pipeline's model-server child is running, as its child");
            long versionBefore = 0;
            for (Matcher m = PUBLISHED.matcher(Files.readString(modelLog)); m.find(); ) {
                versionBefore = Math.max(versionBefore, Long.parseLong(m.group(1)));
            }

            long t0 = System.nanoTime();
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
            child.get().onExit().get(20, TimeUnit.SECONDS);
            long orphanMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(
                    orphanMs < 10_000,
                    "the orphaned model server lived " + orphanMs + " ms after its parent's SIGKILL");

            long from = size(log);
            long modelFrom = size(modelLog);
            second = start(port, log);
            String resumed =
                    awaitLine(log, from, Pattern.compile("pipeline running.*"), Duration.ofSeconds(120), second);
            assertTrue(
                    resumed.contains("resumed from"),
                    "the restart resumes the graph job from its checkpoint: " + resumed);
            awaitLine(
                    modelLog,
                    modelFrom,
                    Pattern.compile("Restored snapshot version \\d+"),
                    Duration.ofSeconds(60),
                    second);
            String after = awaitLine(modelLog, modelFrom, PUBLISHED, Duration.ofSeconds(120), second);
            long versionAfter = Long.parseLong(after.replaceAll("\\D", ""));
            assertTrue(
                    versionAfter > versionBefore,
                    "versions keep growing: " + versionBefore + " before the kill, " + versionAfter + " after");

            AvroCodec<GraphChange> codec = AvroCodec.of(GraphChange.class);
            BitSet seqs = new BitSet();
            Map<String, GraphChangeKind> last = new HashMap<>();
            int n = 0;
            for (var r : DashboardBrowser.read("127.0.0.1:" + port, Topics.DEFAULT_PREFIX + "graph.edges")) {
                GraphChange g = codec.decode(r.value());
                if (g.getKind() == GraphChangeKind.CUT) {
                    continue;
                }
                int s = Math.toIntExact(g.getSeq());
                assertTrue(!seqs.get(s), "seq " + s + " twice");
                seqs.set(s);
                n++;
                GraphChangeKind before = last.put(g.getUserId() + ">" + g.getItemId(), g.getKind());
                assertTrue(
                        before != g.getKind(),
                        "two " + g.getKind() + " of one edge in a row: a change repeated (" + g + ")");
                assertTrue(
                        before != null || g.getKind() == GraphChangeKind.EDGE_ADDED,
                        "an edge's first change is its addition: " + g);
            }
            assertTrue(n > 1_000, "changes on the changelog: " + n);
            assertEquals(n, seqs.nextClearBit(1) - 1, "seqs 1.." + n + " without a gap");
            System.out.printf(
                    "pipeline kill: the orphaned model server exited %d ms after the SIGKILL; version %d before, %d after; %d changes once%n",
                    orphanMs, versionBefore, versionAfter, n);
            running = second;
            stamp("changelog checked");

            // Prometheus: Flink's reporter on the local cluster, and the launcher's figures beside the dashboard
            String flink = awaitScrape(
                    "http://127.0.0.1:" + flinkMetricsPort + "/",
                    Pattern.compile("(?m)^flink_taskmanager_job_task_operator_\\w+\\{"));
            assertTrue(flink.contains("flink_jobmanager_numRunningJobs"), "Flink's job manager metrics");
            String launcher = awaitScrape(
                    "http://127.0.0.1:" + dashboardPort + "/metrics",
                    Pattern.compile("(?m)^streamrec_rolling_ndcg\\{scorer=\"most_popular\"} \\d"));
            String model = awaitScrape(
                    "http://127.0.0.1:" + modelHttpPort + "/metrics",
                    Pattern.compile("(?m)^streamrec_model_version [1-9]"));
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "scrape-flink.txt"), flink);
            Files.writeString(Path.of("target", "scrape-launcher.txt"), launcher);
            Files.writeString(Path.of("target", "scrape-model-server.txt"), model);
            checkGrafanaPanels(flink + launcher + model);
            for (String figure : List.of(
                    "streamrec_world_interactions_total",
                    "streamrec_graph_job_lag_events",
                    "streamrec_version_newest",
                    "streamrec_rolling_ndcg{scorer=\"model\"}",
                    "streamrec_dead_letters_total{reason=\"UNKNOWN_EVENT_TYPE\"}")) {
                assertTrue(
                        launcher.contains("\n" + figure + " "), figure + " in the launcher's /metrics:\n" + launcher);
            }
        } finally {
            first.destroyForcibly();
            if (second != null && running == null) {
                second.destroyForcibly();
            }
        }
    }

    @Test
    @Order(2)
    void itsDashboardInABrowserShowsWhatTheTopicsHold() throws Exception {
        DashboardBrowser.Binaries chromium = DashboardBrowser.find();
        Assumptions.assumeTrue(
                chromium != null,
                "no Chromium here (apt-get install chromium chromium-driver, or set CHROME_BIN and "
                        + "CHROMEDRIVER): the dashboard's browser test is skipped");
        if (running == null || !running.isAlive()) { // the first test failed: a pipeline of its own
            port = port == 0 ? freePort() : port;
            dashboardPort = dashboardPort == 0 ? freePort() : dashboardPort;
            flinkMetricsPort = flinkMetricsPort == 0 ? freePort() : flinkMetricsPort;
            modelHttpPort = modelHttpPort == 0 ? freePort() : modelHttpPort;
            log = log == null ? dir.resolve("pipeline.log") : log;
            long from = size(log);
            running = start(port, log);
            awaitLine(log, from, Pattern.compile("pipeline running"), Duration.ofSeconds(120), running);
        }
        awaitLine(log, 0, Pattern.compile("Dashboard: http"), Duration.ofSeconds(30), running);
        Path shot = Path.of("target", "dashboard-browser.png");
        stamp("opening the dashboard in Chromium");
        DashboardBrowser.Seen seen = DashboardBrowser.check(
                chromium,
                "http://127.0.0.1:" + dashboardPort + "/",
                "127.0.0.1:" + port,
                new Topics(Topics.DEFAULT_PREFIX),
                shot,
                Duration.ofSeconds(90));
        System.out.printf(
                "dashboard in Chromium: newest window v%d %s ndcg@10 %.4f = the topic's; versions %s = the COMMITs; "
                        + "%d chart pixels drawn; screenshot %s%n",
                seen.version(), seen.time(), seen.value(), seen.versions(), seen.pixels(), shot.toAbsolutePath());
        stamp("dashboard checked");
    }
}
