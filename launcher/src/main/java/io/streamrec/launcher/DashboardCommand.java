package io.streamrec.launcher;

import io.streamrec.common.Defaults;
import io.streamrec.launcher.dashboard.Dashboard;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The operator dashboard against any Kafka cluster that carries streamrec's topics. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serves the operator dashboard (a web page on --bind:--port) for the streamrec topics on any Kafka: rolling "
                    + "NDCG and hit rate per version against the most-popular and random baselines, paired version comparisons with their "
                    + "intervals, the versions' timeline, throughput and consumer lag, dead letters by reason, a user's latest "
                    + "recommendations, and the model server's state; the same figures for Prometheus at /metrics. It reads the topics from "
                    + "their beginning (read_committed). Ctrl-C stops."
        })
public final class DashboardCommand implements Callable<Integer> {
    @Mixin
    KafkaTarget kafka = new KafkaTarget();

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "Address the page listens on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(
            names = "--port",
            defaultValue = "" + DEFAULT_PORT,
            description = "Port of the page (0: any free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--group-id",
            defaultValue = Defaults.GROUP_ID,
            description =
                    "The graph job's consumer group: its committed offsets on the interactions topic are the consumed count "
                            + "(throughput and lag). Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(
            names = "--model-metrics",
            defaultValue = "http://127.0.0.1:9464/metrics",
            description = "The model server's Prometheus endpoint (off: none). Default: ${DEFAULT-VALUE}.")
    String modelMetrics;

    /** The dashboard's documented port (pipeline and dashboard). */
    public static final int DEFAULT_PORT = 8088;

    @Override
    public Integer call() throws Exception {
        try (Dashboard d = Dashboard.start(new Dashboard.Settings(
                kafka.bootstrap,
                kafka.properties,
                kafka.topics(),
                groupId,
                bind,
                port,
                modelMetrics.equals("off") ? null : modelMetrics))) {
            System.out.println("streamrec dashboard: " + d.url() + "  (Ctrl-C stops)");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "dashboard-stop"));
            stop.await();
        }
        return 0;
    }
}
