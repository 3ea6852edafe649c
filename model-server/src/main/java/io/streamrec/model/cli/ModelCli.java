package io.streamrec.model.cli;

import io.streamrec.common.EnvironmentDefaults;
import io.streamrec.model.data.DatasetFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The model server's command line: {@code streamrec <command> --help} for each. */
@Command(name = "streamrec", mixinStandardHelpOptions = true, version = "streamrec 0.1.0",
        description = {"streamrec: streaming, incremental, multimodal recommender.",
            "Every option can also be given as an environment variable: --batch-size = STREAMREC_BATCH_SIZE."},
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, GenerateCommand.class,
            SpeedBenchCommand.class, EncodeTextCommand.class, ColdStartCommand.class, ServeCommand.class, PrequentialCommand.class, IncrementalBenchCommand.class, StepBenchCommand.class, ItemGraphBenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Streaming pipeline commands (Kafka + Flink; ./streamrec <command> --help):",
            "  pipeline         The whole loop on this machine: Kafka, Flink (graph job + serving), model server, synthetic world",
            "  world            The synthetic world as a producer against any Kafka",
            "  replay           Replay ML-100K u.data or an adjacency-list file into the interactions topic at a rate",
            "  tail             Print recommendations, metrics, model versions or dead letters as they arrive",
            "  graph-job        The graph job with serving against an existing Kafka (also runs on clusters)",
            "  bench-ingest     Throughput and latency benchmark of the graph job",
            "  bench-freshness  Event -> recommendation and trigger -> version-live latency of the whole loop",
            "  bench-scale      The closed loop at catalog sizes: events/s, latency, checkpoints, memory, ANN recall",
            "  bench-ann        Top-K query cost alone: exact scan, Lucene's HNSW search, streamrec's HNSW search",
            "  dashboard        The operator dashboard (rolling NDCG per version and scorer, Prometheus /metrics) against any Kafka"})
public final class ModelCli {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new ModelCli());
        cli.setDefaultValueProvider(new EnvironmentDefaults());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof DatasetFormatException) {
                cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
                return 2;
            }
            if (e instanceof java.nio.file.NoSuchFileException) {
                cmd.getErr().println(cmd.getColorScheme().errorText("error: no such file: " + e.getMessage()));
                return 2;
            }
            if (e instanceof java.io.IOException) {
                cmd.getErr().println(cmd.getColorScheme().errorText("error: cannot read or write: " + e));
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
