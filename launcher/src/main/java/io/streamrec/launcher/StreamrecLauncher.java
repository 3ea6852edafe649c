package io.streamrec.launcher;

import io.streamrec.common.EnvironmentDefaults;
import io.streamrec.flink.GraphJobMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The pipeline side of {@code ./streamrec}: single-machine runs and pipeline benchmarks. */
@Command(name = "streamrec", mixinStandardHelpOptions = true,
    description = "streamrec pipeline commands (the model commands are listed by ./streamrec --help).",
    subcommands = {PipelineCommand.class, WorldCommand.class, ReplayCommand.class, TailCommand.class, IngestBenchmark.class, FreshnessBenchmark.class})
public final class StreamrecLauncher {
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreamrecLauncher());
    cli.addSubcommand("graph-job", GraphJobMain.commandLine());
    cli.setDefaultValueProvider(new EnvironmentDefaults());
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.setDefaultValueProvider(new EnvironmentDefaults());
    }
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
