package io.streamrec.model.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamrec.common.PrometheusText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The model server's counters, served as JSON health ({@code /health}) and Prometheus text ({@code /metrics}). */
public final class ServerMetrics {
    final AtomicLong version = new AtomicLong();
    final AtomicLong versions = new AtomicLong();
    /** The version being fine-tuned now (0: none). */
    final AtomicLong training = new AtomicLong();

    final AtomicLong edgesRead = new AtomicLong();
    final AtomicLong lastSeq = new AtomicLong();
    final AtomicLong coalesced = new AtomicLong();
    final AtomicLong badRecords = new AtomicLong();
    final AtomicLong deadLetters = new AtomicLong();
    /** Damaged snapshots set aside at start (0: the newest snapshot was intact, or there was none). */
    final AtomicLong damagedSnapshots = new AtomicLong();

    final AtomicReference<Double> lastTrainingSeconds = new AtomicReference<>(0.0);
    final AtomicLong textWaiting = new AtomicLong();
    final AtomicLong textEncoded = new AtomicLong();
    final AtomicReference<Double> textPerSecond = new AtomicReference<>(0.0);
    private final long started = System.currentTimeMillis();

    public long version() {
        return version.get();
    }

    public long edgesRead() {
        return edgesRead.get();
    }

    /** Prometheus text exposition format. */
    public String prometheus() {
        return new PrometheusText()
                .gauge("streamrec_model_version", "Latest published embedding version", version.get())
                .gauge("streamrec_model_training_version", "Version being fine-tuned now (0: none)", training.get())
                .counter(
                        "streamrec_model_versions_published_total",
                        "Versions published by this process",
                        versions.get())
                .counter(
                        "streamrec_model_changelog_edges_total",
                        "Edge changes read from the changelog",
                        edgesRead.get())
                .gauge("streamrec_model_changelog_seq", "Last changelog seq applied", lastSeq.get())
                .counter(
                        "streamrec_model_cuts_coalesced_total",
                        "Cuts passed without training because of backlog",
                        coalesced.get())
                .counter("streamrec_model_bad_records_total", "Undecodable or rejected input records", badRecords.get())
                .counter(
                        "streamrec_model_dead_letters_total",
                        "Catalog records rejected and dead-lettered (this run, repeats of earlier runs included)",
                        deadLetters.get())
                .gauge(
                        "streamrec_model_damaged_snapshots",
                        "Damaged snapshots set aside when this process started (it restored an older one or rebuilt from the changelog)",
                        damagedSnapshots.get())
                .gauge(
                        "streamrec_model_last_training_seconds",
                        "Duration of the last fine-tuning",
                        lastTrainingSeconds.get())
                .gauge("streamrec_model_text_waiting", "Item texts waiting for the encoder", textWaiting.get())
                .counter("streamrec_model_text_encoded_total", "Item texts encoded by this process", textEncoded.get())
                .gauge(
                        "streamrec_model_text_per_second",
                        "Texts per second of the encoder's last chunk",
                        textPerSecond.get())
                .toString();
    }

    /** Health as JSON. */
    public String health() {
        return "{\"status\":\"UP\",\"version\":" + version.get() + ",\"changelog_seq\":" + lastSeq.get()
                + ",\"text_waiting\":"
                + textWaiting.get() + ",\"uptime_ms\":"
                + (System.currentTimeMillis() - started) + "}";
    }

    /** Serves /health and /metrics on {@code host:port} (port 0: any free one); returns the server, started. */
    public HttpServer serve(String host, int port) throws IOException {
        return serve(host, port, null);
    }

    /** ...and, when {@code requestFull} is given, {@code POST /publish-full}, which runs it (the next version is full). */
    public HttpServer serve(String host, int port, Runnable requestFull) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        String paths = "GET /health, GET /metrics" + (requestFull != null ? ", POST /publish-full" : "");
        http.createContext("/health", ex -> {
            if (route(ex, "/health", "GET", paths)) {
                respond(ex, "application/json", health());
            }
        });
        http.createContext("/metrics", ex -> {
            if (route(ex, "/metrics", "GET", paths)) {
                respond(ex, PrometheusText.CONTENT_TYPE, prometheus());
            }
        });
        if (requestFull != null) {
            http.createContext("/publish-full", ex -> {
                if (route(ex, "/publish-full", "POST", paths)) {
                    requestFull.run();
                    respond(ex, 202, "text/plain", "the next version will be full\n");
                }
            });
        }
        http.createContext("/", ex -> route(ex, "", "", paths));
        http.start();
        return http;
    }

    /** True when the request is for exactly {@code path} with {@code method}; answers 404 or 405 otherwise. */
    private static boolean route(HttpExchange ex, String path, String method, String paths) throws IOException {
        if (!ex.getRequestURI().getPath().equals(path)) {
            respond(ex, 404, "text/plain", "not found: " + ex.getRequestURI().getPath() + " (paths: " + paths + ")\n");
            return false;
        }
        if (!ex.getRequestMethod().equals(method)) {
            ex.getResponseHeaders().set("Allow", method);
            respond(
                    ex,
                    405,
                    "text/plain",
                    ex.getRequestMethod() + " " + path + " is not allowed: use " + method + "\n");
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange ex, String type, String body) throws IOException {
        respond(ex, 200, type, body);
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
