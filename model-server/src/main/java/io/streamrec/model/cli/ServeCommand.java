package io.streamrec.model.cli;

import com.sun.net.httpserver.HttpServer;
import io.streamrec.common.Defaults;
import io.streamrec.common.ParentWatch;
import io.streamrec.common.StateLock;
import io.streamrec.model.graphfusion.GraphFusionConfig;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.server.IncrementalModel;
import io.streamrec.model.server.ModelServer;
import io.streamrec.model.text.TextEncoder;
import io.streamrec.schemas.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: the model server as a long-running service (ModelServer). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Model server service: reads the edge changelog and the items topic, fine-tunes at every trigger's cut "
                        + "(warm-started), publishes each version to the embeddings topic and snapshots its state; Ctrl-C stops it, a re-run resumes.")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(
            names = "--bootstrap-servers",
            defaultValue = Defaults.BOOTSTRAP_SERVERS,
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(
            names = "--topic-prefix",
            defaultValue = Topics.DEFAULT_PREFIX,
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--state-dir",
            defaultValue = "state/model-server",
            paramLabel = "DIR",
            description =
                    "Snapshot directory; a re-run resumes from it, or from the snapshot before it when it is damaged "
                            + "(default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(
            names = "--dim",
            defaultValue = Defaults.DIM,
            description = "Embedding dimension d (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--layers",
            defaultValue = Defaults.FINE_TUNE_LAYERS,
            description = "Propagation layers K (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(
            names = "--lr",
            defaultValue = Defaults.FINE_TUNE_LEARNING_RATE,
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--batch-size",
            defaultValue = Defaults.FINE_TUNE_BATCH_SIZE,
            description = "BPR triples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--initial-epochs",
            defaultValue = IncrementalModel.DEFAULT_INITIAL_EPOCHS,
            description = "Full epochs for the first version (default: ${DEFAULT-VALUE}).")
    int initialEpochs;

    @Mixin
    BudgetOptions budget = new BudgetOptions();

    @Option(
            names = "--model",
            defaultValue = "lightgcn",
            description =
                    "The model served: lightgcn, mmgef or rednd (the graph-fusion models keep the content kNN graph up to date as "
                            + "items arrive and leave, and train on DJL over the whole graph each step: small catalogs) (default: ${DEFAULT-VALUE}).")
    String served;

    @Mixin
    GraphFusionOptions graph = new GraphFusionOptions();

    @Option(
            names = "--replay-fraction",
            defaultValue = Defaults.REPLAY_FRACTION,
            description =
                    "Share of each batch's positives drawn from all edges rather than the new ones (default: ${DEFAULT-VALUE}).")
    double replay;

    @Option(
            names = "--max-backlog",
            defaultValue = "50000",
            description =
                    "Pass a cut without training when more changelog records than this are already waiting behind it (default: ${DEFAULT-VALUE}).")
    long maxBacklog;

    @Option(
            names = "--full-every",
            defaultValue = "10",
            description =
                    "Publish a full version (every user and item) every this many versions; the others are deltas (default: ${DEFAULT-VALUE}).")
    int fullEvery;

    @Option(
            names = "--delta-tolerance",
            defaultValue = "0.01",
            description =
                    "A delta version publishes the users and items whose embedding moved by more than this share of its last published "
                            + "norm (relative L2), plus new and withdrawn ones; 0 publishes every entity that changed at all (default: ${DEFAULT-VALUE}).")
    double deltaTolerance;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "Extra Kafka client property for the model server's consumers, producer and admin (repeatable), e.g. security.protocol=SSL.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--text",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description = "Encode item text with MiniLM (default: ${DEFAULT-VALUE}).")
    boolean encodeText;

    @Option(
            names = "--text-batch-size",
            defaultValue = "64",
            description =
                    "Item texts per encoder batch (texts are batched by length; 64 encodes title-length texts ~1.4x faster than 16, "
                            + "with the same vectors) (default: ${DEFAULT-VALUE}).")
    int textBatch;

    @Option(
            names = "--text-threads",
            defaultValue = "0",
            description =
                    "ONNX Runtime intra-op threads of the text encoder; 0 keeps ONNX Runtime's default (on 2 cores that encodes "
                            + "~730 titles/s, 2 threads ~1,040/s but compete with training) (default: ${DEFAULT-VALUE}).")
    int textThreads;

    @Option(
            names = "--device",
            defaultValue = Defaults.DEVICE,
            description = "auto (CUDA when present), cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(
            names = "--http",
            defaultValue = "127.0.0.1:9464",
            paramLabel = "HOST:PORT",
            description =
                    "Health (/health) and Prometheus metrics (/metrics); 'off' disables (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(names = "--seed", defaultValue = Defaults.SEED, description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--parent-pid",
            defaultValue = "0",
            paramLabel = "PID",
            description =
                    "Stop when the process with this pid exits, however it exits (noticed within 5 s, stopped at most 2 s later; "
                            + "the pipeline passes its own, so that an orphaned model server never keeps the port and the state directory); 0: none "
                            + "(default: ${DEFAULT-VALUE}).")
    long parentPid;

    @Override
    public Integer call() throws Exception {
        if (!(replay >= 0 && replay <= 1) || initialEpochs < 1 || textBatch < 1) {
            throw new IllegalArgumentException(
                    "--replay-fraction must lie in [0, 1], --initial-epochs and --text-batch-size be >= 1");
        }
        // One model server per state directory, taken before anything in it is read or written.
        StateLock lock = StateLock.acquire(stateDir, "the model server (serve)", "--state-dir");
        IncrementalModel.Settings model = IncrementalModel.Settings.builder()
                .dim(dim)
                .layers(layers)
                .learningRate(lr)
                .batchSize(batchSize)
                .initialEpochs(initialEpochs)
                .budget(budget.budget())
                .replayFraction(replay)
                .seed(seed)
                .device(DeviceSelection.resolve(device))
                .build();
        ModelServer.TextVectors text = null;
        if (encodeText) {
            TextEncoder encoder =
                    TextEncoder.open(stateDir.resolve("models"), textBatch, TextEncoder.Weights.FLOAT, textThreads);
            text = new ModelServer.TextVectors() {
                @Override
                public float[][] encode(List<String> texts) {
                    return encoder.encode(texts);
                }

                @Override
                public void close() {
                    encoder.close();
                }
            };
        }
        ModelServer server = new ModelServer(
                new ModelServer.Settings(
                        bootstrap,
                        new Topics(prefix),
                        stateDir,
                        maxBacklog,
                        "streamrec-model-server-" + prefix,
                        fullEvery,
                        deltaTolerance,
                        kafkaProperties),
                model,
                text);
        if (!served.equalsIgnoreCase("lightgcn")) {
            server.useGraphFusion(graph.config(GraphFusionConfig.Kind.parse(served)));
            LOG.info(
                    "Serving {} (content kNN graph: k = {}, exact up to {} items)",
                    served,
                    graph.knnK,
                    graph.knnExactBelow);
        }
        HttpServer httpServer = null;
        if (!http.equalsIgnoreCase("off")) {
            int c = http.lastIndexOf(':');
            if (c < 0) {
                throw new IllegalArgumentException("--http must be HOST:PORT or off, got '" + http + "'");
            }
            httpServer = server.metrics()
                    .serve(http.substring(0, c), Integer.parseInt(http.substring(c + 1)), server::requestFullVersion);
            LOG.info(
                    "Health and metrics on http://{}/health and /metrics; POST /publish-full makes the next version full",
                    http);
        }
        // SIGTERM/Ctrl-C: finish the step in hand, close the clients, then let the JVM exit. The hook
        // waits for the clean-up, not for the main thread (main then calls System.exit, which blocks
        // while hooks run: joining it would stall every stop by the hook's timeout).
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.stop();
            try {
                cleanedUp.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        if (parentPid > 0) {
            ParentWatch.watch(parentPid, pid -> {
                LOG.warn("The process that started this model server (pid {}) has exited: stopping", pid);
                // Its broker may have gone with it, so closing the Kafka clients can stall: the clean stop
                // gets 2 s, then the process ends anyway (the snapshot is written atomically, so a halt
                // mid-way leaves the previous one; a version's open transaction is aborted by the broker).
                // With 15 s, bench/kill-pipeline.sh saw the orphan hold the port and the state directory
                // 15.7 s after the pipeline was killed, while its replacement was starting.
                Thread halt = new Thread(
                        () -> {
                            try {
                                Thread.sleep(2_000);
                            } catch (InterruptedException e) {
                                return;
                            }
                            LOG.warn("Not stopped within 2 s of the parent's exit: halting");
                            Runtime.getRuntime().halt(3);
                        },
                        "parent-exit-halt");
                halt.setDaemon(true);
                halt.start();
                System.exit(0);
            });
        }
        try {
            server.run();
        } finally {
            lock.close();
            if (httpServer != null) {
                httpServer.stop(0);
            }
            if (text != null) {
                text.close();
            }
            LOG.info("Model server stopped at version {}", server.metrics().version());
            cleanedUp.countDown();
        }
        return 0;
    }
}
