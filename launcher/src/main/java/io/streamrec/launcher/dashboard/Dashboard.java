package io.streamrec.launcher.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamrec.common.PrometheusText;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.launcher.PipelineStatus;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.EmbeddingRecord;
import io.streamrec.schemas.avro.ItemEvent;
import io.streamrec.schemas.avro.MetricPoint;
import io.streamrec.schemas.avro.Recommendation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator dashboard: a web page on 127.0.0.1 that follows the topics (read_committed, from
 * their beginning) into a {@link DashboardState} and pushes it to every open page once a second
 * (server-sent events, {@code /events}); {@code /api/state} gives the same JSON once, {@code
 * /api/user?id=U} a user's latest recommendation with the items' texts. The page's charts are uPlot,
 * served from its WebJar on the classpath, so the page needs no network. The model server's gauges
 * come from its Prometheus endpoint when one is given. {@code /metrics} gives the same figures to
 * Prometheus ({@link DashboardState#prometheus}, plus what {@link #addMetrics} adds). Nothing here
 * reads the job's or the model server's internals.
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + UplotVersion.VERSION + "/dist/";
    private static final byte[] COMMIT_KEY = "commit".getBytes(StandardCharsets.UTF_8);

    /**
     * @param bind address to listen on (127.0.0.1 by default)
     * @param port 0: any free port
     * @param modelMetrics the model server's Prometheus endpoint (http://127.0.0.1:9464/metrics), or null
     * @param groupId the graph job's consumer group (its committed offsets are the consumed count)
     */
    public record Settings(
            String bootstrap,
            Map<String, String> kafkaProperties,
            Topics topics,
            String groupId,
            String bind,
            int port,
            String modelMetrics) {}

    private final Settings settings;
    private final DashboardState state = new DashboardState();
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final HttpServer http;
    private final Thread reader;
    private final Thread pusher;
    private final List<OutputStream> streams = new ArrayList<>();
    private final List<Consumer<PrometheusText>> extraMetrics = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Dashboard(Settings settings) throws IOException {
        this.settings = settings;
        http = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 16);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "dashboard-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::page);
        http.createContext("/static/", this::asset);
        http.createContext(
                "/api/state", ex -> send(ex, 200, "application/json", json.writeValueAsBytes(state.snapshot())));
        http.createContext("/api/user", this::user);
        http.createContext("/events", this::events);
        http.createContext("/metrics", ex -> {
            PrometheusText p = new PrometheusText();
            state.prometheus(p);
            for (Consumer<PrometheusText> more : extraMetrics) {
                more.accept(p);
            }
            send(ex, 200, PrometheusText.CONTENT_TYPE, p.toString().getBytes(StandardCharsets.UTF_8));
        });
        reader = new Thread(this::follow, "dashboard-topics");
        reader.setDaemon(true);
        pusher = new Thread(this::push, "dashboard-push");
        pusher.setDaemon(true);
    }

    public static Dashboard start(Settings settings) throws IOException {
        Dashboard d = new Dashboard(settings);
        d.http.start();
        d.reader.start();
        d.pusher.start();
        LOG.info(
                "Dashboard on {} (topics {}* on {})", d.url(), settings.topics().prefix(), settings.bootstrap());
        return d;
    }

    public String url() {
        return "http://" + settings.bind() + ":" + http.getAddress().getPort() + "/";
    }

    /** More figures for {@code /metrics} (the pipeline's synthetic world), written on each scrape. */
    public void addMetrics(Consumer<PrometheusText> figures) {
        extraMetrics.add(figures);
    }

    public DashboardState state() {
        return state;
    }

    private void follow() {
        Topics t = settings.topics();
        AvroCodec<MetricPoint> metrics = AvroCodec.of(MetricPoint.class);
        AvroCodec<EmbeddingRecord> embeddings = AvroCodec.of(EmbeddingRecord.class);
        AvroCodec<DeadLetter> dead = AvroCodec.of(DeadLetter.class);
        AvroCodec<Recommendation> recs = AvroCodec.of(Recommendation.class);
        AvroCodec<ItemEvent> items = AvroCodec.of(ItemEvent.class);
        long nextOffsets = 0;
        long nextScrape = 0;
        long undecodable = 0;
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c =
                            KafkaClients.readCommittedConsumer(settings.bootstrap(), settings.kafkaProperties());
                    Admin admin = KafkaClients.admin(settings.bootstrap(), settings.kafkaProperties())) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic :
                        List.of(t.metrics(), t.embeddings(), t.deadLetters(), t.recommendations(), t.items())) {
                    parts.addAll(KafkaClients.partitions(c, topic));
                }
                c.assign(parts);
                c.seekToBeginning(parts);
                while (!closed) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.value() == null) {
                            continue; // a tombstone (a withdrawn item's vector)
                        }
                        try {
                            String topic = r.topic();
                            if (topic.equals(t.metrics())) {
                                state.metric(metrics.decode(r.value()));
                            } else if (topic.equals(t.embeddings())) {
                                if (Arrays.equals(
                                        r.key(),
                                        COMMIT_KEY)) { // only COMMITs are decoded: vectors are most of the topic
                                    EmbeddingRecord e = embeddings.decode(r.value());
                                    if (EmbeddingRecords.isCommit(e)) {
                                        state.commit(e);
                                    }
                                }
                            } else if (topic.equals(t.deadLetters())) {
                                state.deadLetter(dead.decode(r.value()));
                            } else if (topic.equals(t.recommendations())) {
                                state.recommendation(recs.decode(r.value()));
                            } else {
                                state.item(items.decode(r.value()));
                            }
                        } catch (RuntimeException e) {
                            if (undecodable++ == 0) {
                                LOG.warn(
                                        "Dashboard: a record on {} it cannot decode ({}); such records are skipped",
                                        r.topic(),
                                        e.getMessage());
                            }
                        }
                    }
                    long now = System.currentTimeMillis();
                    if (now >= nextOffsets) {
                        nextOffsets = now + 1_000;
                        offsets(admin, now);
                    }
                    if (settings.modelMetrics() != null && now >= nextScrape) {
                        nextScrape = now + 2_000;
                        scrape();
                    }
                }
            } catch (Exception e) {
                if (!closed) {
                    LOG.warn("Dashboard: reading the topics failed ({}); retrying in 2 s", e.toString());
                    sleep(2_000);
                }
            }
        }
    }

    private void offsets(Admin admin, long now) {
        try {
            long[] o =
                    PipelineStatus.interactionOffsets(admin, settings.topics().interactions(), settings.groupId());
            state.offsets(now, o[0], o[1]);
        } catch (Exception e) {
            LOG.debug("Dashboard: offsets: {}", e.toString());
        }
    }

    private final HttpClient scraper =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** streamrec_model_* gauges and counters of the model server's Prometheus text. */
    private void scrape() {
        try {
            HttpResponse<String> r = scraper.send(
                    HttpRequest.newBuilder(URI.create(settings.modelMetrics()))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, Double> gauges = new TreeMap<>();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("streamrec_model_")) {
                    int space = line.lastIndexOf(' ');
                    try {
                        gauges.put(
                                line.substring("streamrec_model_".length(), space),
                                Double.parseDouble(line.substring(space + 1)));
                    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                        // not a sample line
                    }
                }
            }
            state.modelServer(gauges, r.statusCode() == 200 ? null : "HTTP " + r.statusCode());
        } catch (Exception e) {
            state.modelServer(
                    Map.of(),
                    "not reachable at " + settings.modelMetrics() + " ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    private void push() {
        while (!closed) {
            sleep(1_000);
            List<OutputStream> open;
            synchronized (streams) {
                if (streams.isEmpty()) {
                    continue;
                }
                open = new ArrayList<>(streams);
            }
            byte[] frame;
            try {
                frame = ("event: state\ndata: " + json.writeValueAsString(state.snapshot()) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue;
            }
            for (OutputStream out : open) {
                try {
                    out.write(frame);
                    out.flush();
                } catch (IOException e) { // the page went away
                    synchronized (streams) {
                        streams.remove(out);
                    }
                    try {
                        out.close();
                    } catch (IOException ignored) {
                        // already gone
                    }
                }
            }
        }
    }

    private void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(("event: state\ndata: " + json.writeValueAsString(state.snapshot()) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        synchronized (streams) {
            streams.add(out);
        }
    }

    private void user(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getRawQuery();
        String id = null;
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("id=")) {
                    id = URLDecoder.decode(kv.substring(3), StandardCharsets.UTF_8);
                }
            }
        }
        if (id == null || id.isBlank()) {
            send(ex, 400, "application/json", "{\"error\":\"give ?id=<user id>\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Object> u = state.user(id);
        if (u == null) {
            send(
                    ex,
                    404,
                    "application/json",
                    json.writeValueAsBytes(Map.of("error", "no recommendation read for user " + id)));
            return;
        }
        send(ex, 200, "application/json", json.writeValueAsBytes(u));
    }

    private void page(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            send(ex, 404, "text/plain", ("no such page: " + path).getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, "text/html; charset=utf-8", resource("/dashboard/index.html"));
    }

    private void asset(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/static/".length());
        byte[] body = switch (name) {
            case "uPlot.js" -> resource(UPLOT + "uPlot.iife.min.js");
            case "uPlot.css" -> resource(UPLOT + "uPlot.min.css");
            case "dashboard.js" -> resource("/dashboard/dashboard.js");
            default -> null;
        };
        if (body == null) {
            send(ex, 404, "text/plain", ("no such file: " + name).getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, name.endsWith(".css") ? "text/css" : "application/javascript", body);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing resource " + path);
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        http.stop(0);
        synchronized (streams) {
            for (OutputStream out : streams) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
            streams.clear();
        }
    }
}
