package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamrec.kafka.KafkaClients;
import io.streamrec.launcher.dashboard.DashboardState;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.MetricPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Opens the dashboard in headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * both given to Selenium by path, so Selenium Manager never downloads anything) and checks what it
 * shows against the topics, read independently here: the newest rolling-metric window on the page
 * is the newest model point of the metrics topic, the version list is the embeddings topic's
 * COMMITs, and the NDCG and hit-rate charts have the model's and most-popular's lines drawn.
 */
final class DashboardBrowser {
    private static final String[] FLAGS = {
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1400,1900"
    };

    record Binaries(Path chromium, Path driver) {}

    /** What the page showed once it agreed with the topics. */
    record Seen(long version, Instant time, double value, List<Long> versions, long pixels) {}

    private DashboardBrowser() {}

    /** Chromium and its driver from CHROME_BIN and CHROMEDRIVER, else Debian's paths; null when either is missing. */
    static Binaries find() {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium"));
        Path driver = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
        return Files.isExecutable(chromium) && Files.isExecutable(driver) ? new Binaries(chromium, driver) : null;
    }

    static Seen check(Binaries bin, String url, String bootstrap, Topics topics, Path screenshot, Duration timeout)
            throws Exception {
        long t0 = System.nanoTime();
        Path profile = Files.createTempDirectory("streamrec-chromium");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(bin.driver().toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(bin.chromium().toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        try (KafkaConsumer<byte[], byte[]> topicsNow = KafkaClients.readCommittedConsumer(bootstrap)) {
            driver.get(url);
            System.out.printf("dashboard: Chromium up and the page loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "nothing yet";
            int rounds = 0;
            while (System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                rounds++;
                // one script reads the page at one instant: every update re-renders it (elements found earlier go
                // stale)
                @SuppressWarnings("unchecked")
                Map<String, Object> page = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
            const l = document.getElementById('latest-model');
            return { latest: l ? [l.dataset.version, l.dataset.time, l.dataset.value] : null,
              versions: [...document.querySelectorAll('#versions tr.version')].map(r => r.dataset.version),
              summary: document.getElementById('summary').textContent };""");
                @SuppressWarnings("unchecked")
                List<String> l = (List<String>) page.get("latest");
                @SuppressWarnings("unchecked")
                List<Long> shownVersions = new ArrayList<>(((List<String>) page.get("versions"))
                        .stream().map(Long::parseLong).sorted().toList());
                if (l == null || shownVersions.isEmpty()) {
                    last = "the page shows " + (l == null ? "no metric window" : "a metric window") + " and "
                            + shownVersions.size() + " versions; summary: " + page.get("summary");
                    continue;
                }
                long version = Long.parseLong(l.get(0));
                long time = Long.parseLong(l.get(1));
                double value = Double.parseDouble(l.get(2));
                // the topics after the page: a point or version that arrived in between only means one more round
                // one consumer for the whole check: a new consumer's first metadata costs seconds here
                List<MetricPoint> newest =
                        newestModelWindows(KafkaClients.readToEnd(topicsNow, topics.metrics(), Duration.ofSeconds(20)));
                List<Long> commits =
                        commits(KafkaClients.readToEnd(topicsNow, topics.embeddings(), Duration.ofSeconds(20)));
                boolean sameWindow = !newest.isEmpty()
                        && newest.get(0).getTime().toEpochMilli() == time
                        && newest.stream()
                                .anyMatch(
                                        p -> p.getModelVersion() == version && Math.abs(p.getValue() - value) < 1e-12);
                last = "page: v" + version + " " + Instant.ofEpochMilli(time) + " " + value + ", versions "
                        + shownVersions + "; topics: "
                        + newest.stream()
                                .map(p -> "v" + p.getModelVersion() + " " + p.getTime() + " " + p.getValue())
                                .toList()
                        + ", COMMITs " + commits;
                if (!sameWindow || !shownVersions.equals(commits)) {
                    continue;
                }
                long pixels = 1;
                for (String chart : List.of("ndcg-chart", "hr-chart")) {
                    for (String color :
                            List.of("#2563eb", "#ea580c")) { // the model and most-popular (dashboard.js COLORS)
                        long n = linePixels(driver, chart, color);
                        assertTrue(
                                n > 50,
                                "the " + chart + " has " + n + " pixels of the line in " + color + ": not drawn");
                        pixels += n;
                    }
                }
                Files.createDirectories(screenshot.toAbsolutePath().getParent());
                Files.copy(
                        driver.getScreenshotAs(OutputType.FILE).toPath(),
                        screenshot,
                        StandardCopyOption.REPLACE_EXISTING);
                System.out.printf(
                        "dashboard: the page agreed with the topics after %d rounds of 1 s, %.1f s in all%n",
                        rounds, (System.nanoTime() - t0) / 1e9);
                return new Seen(version, Instant.ofEpochMilli(time), value, shownVersions, pixels - 1);
            }
            fail("within " + timeout + " the dashboard never agreed with the topics; last " + last);
            return null;
        } finally {
            driver.quit();
            service.stop();
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Pixels of the chart's canvas close to the color (its line, antialiased). */
    private static long linePixels(ChromeDriver driver, String chartId, String hex) {
        Object n = ((JavascriptExecutor) driver).executeScript("""
        const c = document.querySelector('#' + arguments[0] + ' canvas');
        if (!c || c.width === 0) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const r = parseInt(arguments[1].slice(1, 3), 16), g = parseInt(arguments[1].slice(3, 5), 16), b = parseInt(arguments[1].slice(5, 7), 16);
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 200 && Math.abs(d[i] - r) < 40 && Math.abs(d[i + 1] - g) < 40 && Math.abs(d[i + 2] - b) < 40) n++;
        }
        return n;""", chartId, hex);
        return ((Number) n).longValue();
    }

    /** The model's rolling-metric points of the newest charted time window (one per version whose window closed then). */
    static List<MetricPoint> newestModelWindows(List<ConsumerRecord<byte[], byte[]>> records) {
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        List<MetricPoint> charted = records.stream()
                .map(r -> codec.decode(r.value()))
                .filter(p -> p.getName().startsWith("ndcg@")
                        && p.getWindow().startsWith("time:")
                        && p.getScorer().equals("model")
                        && p.getSamples() >= DashboardState.MIN_SAMPLES)
                .toList();
        long newest = charted.stream()
                .mapToLong(p -> p.getTime().toEpochMilli())
                .max()
                .orElse(Long.MIN_VALUE);
        return charted.stream()
                .filter(p -> p.getTime().toEpochMilli() == newest)
                .toList();
    }

    static List<Long> commits(List<ConsumerRecord<byte[], byte[]>> records) {
        AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
        TreeSet<Long> v = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() != null) {
                EmbeddingRecord e = codec.decode(r.value());
                if (EmbeddingRecords.isCommit(e)) {
                    v.add(e.getModelVersion());
                }
            }
        }
        return new ArrayList<>(v);
    }

    /** The whole topic as of now (read_committed, up to its last stable offsets). */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.readCommittedConsumer(bootstrap)) {
            return KafkaClients.readToEnd(c, topic, Duration.ofSeconds(20));
        }
    }
}
