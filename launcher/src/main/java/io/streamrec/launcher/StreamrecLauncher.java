package io.streamrec.launcher;

import io.streamrec.common.EnvironmentDefaults;
import io.streamrec.flink.GraphJobMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The pipeline side of {@code ./streamrec}: single-machine runs and pipeline benchmarks. */
@Command(name = "streamrec", mixinStandardHelpOptions = true,
    description = "streamrec pipeline commands (the model commands are listed by ./streamrec --help).",
    subcommands = {PipelineCommand.class, WorldCommand.class, ReplayCommand.class, TailCommand.class, IngestBenchmark.class, FreshnessBenchmark.class, ScaleBenchmark.class,
        AnnBenchmark.class, DashboardCommand.class})
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
    CommandLine cli = commandLine();
    // a bad file, flag value or environment says what is wrong in one line; anything else keeps its stack trace
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
        return 2;
      }
      if (e instanceof java.nio.file.NoSuchFileException) {
        cmd.getErr().println(cmd.getColorScheme().errorText("error: no such file: " + e.getMessage()));
        return 2;
      }
      throw e;
    });
    System.exit(cli.execute(args));
  }
}
