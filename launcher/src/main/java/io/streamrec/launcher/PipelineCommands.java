package io.streamrec.launcher;

import io.streamrec.common.cli.CommandSet;
import io.streamrec.flink.job.GraphJobMain;
import java.util.List;

/** The streaming pipeline's commands (Kafka + Flink): single-machine runs, tools and pipeline benchmarks. */
public final class PipelineCommands extends CommandSet {
    public PipelineCommands() {
        super(
                "Streaming pipeline commands (Kafka + Flink)",
                0,
                () -> List.of(
                        new PipelineCommand(),
                        new GraphJobMain(),
                        new WorldCommand(),
                        new ReplayCommand(),
                        new TailCommand(),
                        new DashboardCommand(),
                        new IngestBenchmark(),
                        new FreshnessBenchmark(),
                        new ScaleBenchmark(),
                        new AnnBenchmark()));
    }
}
