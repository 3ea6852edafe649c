package io.streamrec.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.common.PrometheusText;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.avro.MetricPoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard's folding of metric points, and its pages served without any network (uPlot from its WebJar). */
class DashboardTest {
    private static MetricPoint point(
            String name,
            double value,
            long version,
            String window,
            long samples,
            long time,
            String scorer,
            Map<String, String> labels) {
        return new MetricPoint(name, value, version, window, samples, Instant.ofEpochMilli(time), labels, scorer);
    }

    @Test
    void theModelAndItsBaselinesOfOneWindowAreOneRowAndPairedComparisonsGoToTheirVersion() {
        DashboardState s = new DashboardState();
        for (String scorer : List.of("model", "most_popular", "random")) {
            double v = scorer.equals("model") ? 0.12 : scorer.equals("most_popular") ? 0.03 : 0.004;
            s.metric(point("ndcg@10", v, 3, "time:PT1M", 900, 1_000, scorer, Map.of()));
            s.metric(point("hit_rate@10", 2 * v, 3, "time:PT1M", 900, 1_000, scorer, Map.of()));
        }
        s.metric(point(
                "ndcg@10", 0.5, 3, "count:1000", 1000, 1_000, "model", Map.of())); // count windows are not charted
        s.metric(point(
                "paired_ndcg@10",
                0.01,
                3,
                "version",
                5000,
                1_000,
                "model",
                Map.of("against", "v2", "ci95_low", "0.004", "ci95_high", "0.016")));
        s.metric(point("version_live_seconds", 12.5, 3, "version", 800, 900, "model", Map.of()));
        Map<String, Object> snap = s.snapshot();
        @SuppressWarnings("unchecked")
        List<DashboardState.Window> windows = (List<DashboardState.Window>) snap.get("windows");
        assertEquals(1, windows.size());
        DashboardState.Window w = windows.get(0);
        assertEquals(Map.of("model", 0.12, "most_popular", 0.03, "random", 0.004), w.ndcg);
        assertEquals(0.24, w.hitRate.get("model"), 1e-12);
        @SuppressWarnings("unchecked")
        List<DashboardState.Version> versions = (List<DashboardState.Version>) snap.get("versions");
        assertEquals(3, versions.get(0).version);
        assertEquals(12.5, versions.get(0).liveSeconds);
        assertEquals(
                new DashboardState.Paired(0.01, 0.004, 0.016, 5000),
                versions.get(0).paired.get("v2"));
        assertNull(s.user("nobody"));

        // the same figures for Prometheus (the dashboard's /metrics): the newest window per scorer, the paired delta
        PrometheusText p = new PrometheusText();
        s.prometheus(p);
        String text = p.toString();
        for (String line : List.of(
                "streamrec_rolling_ndcg{scorer=\"model\"} 0.12",
                "streamrec_rolling_ndcg{scorer=\"most_popular\"} 0.03",
                "streamrec_rolling_hit_rate{scorer=\"random\"} 0.008",
                "streamrec_rolling_window_version 3",
                "streamrec_rolling_window_events 900",
                "streamrec_paired_ndcg_delta{against=\"previous\"} 0.01",
                "streamrec_paired_ndcg_ci95_low{against=\"previous\"} 0.004",
                "streamrec_paired_version 3",
                "streamrec_version_live_seconds 12.5",
                "streamrec_metric_points_total 9")) {
            assertTrue(text.contains("\n" + line + "\n"), line + " in\n" + text);
        }
    }

    @Test
    void servesThePageItsChartLibraryAndTheStateWithoutABroker() throws Exception {
        // no broker at this address: the topic reader retries in the background, the pages are served all the same
        try (Dashboard d = Dashboard.start(
                new Dashboard.Settings("127.0.0.1:1", Map.of(), new Topics("none."), "g", "127.0.0.1", 0, null))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(d.url())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("/static/uPlot.js") && page.body().contains("ndcg-chart"));
            HttpResponse<String> lib = http.send(
                    HttpRequest.newBuilder(URI.create(d.url() + "static/uPlot.js"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, lib.statusCode());
            assertTrue(lib.body().contains("uPlot"), "the WebJar's uPlot " + UplotVersion.VERSION);
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(d.url() + "static/uPlot.css"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            HttpResponse<String> state = http.send(
                    HttpRequest.newBuilder(URI.create(d.url() + "api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, state.statusCode());
            assertTrue(state.body().contains("\"windows\":[]"), state.body());
            assertEquals(
                    404,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(d.url() + "api/user?id=u1"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            assertEquals(
                    400,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(d.url() + "api/user"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
        }
    }
}
