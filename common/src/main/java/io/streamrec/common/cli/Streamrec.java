package io.streamrec.common.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The one command line of streamrec: {@code ./streamrec <command>}. Its commands come from the
 * {@link CommandSet}s on the classpath, each listed once by its module. A bad flag, value or
 * file ends with one line that says what is wrong (status 2); a state that does not allow the
 * run or an I/O failure, with one line and status 1.
 */
@Command(
        name = "streamrec",
        mixinStandardHelpOptions = true,
        version = "streamrec 0.1.0",
        description = {
            "streamrec: streaming, incremental, multimodal recommender.",
            "Every option can also be set as an environment variable (--batch-size: STREAMREC_BATCH_SIZE) or in a settings file "
                    + "(--config). Precedence: flag, then environment, then file, then the default (docs/CONFIGURATION.md)."
        },
        subcommands = CommandLine.HelpCommand.class)
public final class Streamrec {
    /** Environment variable naming the settings file when there is no {@code --config}. */
    public static final String CONFIG_VARIABLE = "STREAMREC_CONFIG";

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description =
                    "Settings file: 'option-name = value' lines, or 'command.option-name = value' for one command "
                            + "(also STREAMREC_CONFIG). Flags and environment variables win over it.")
    Path config; // read before parsing (run), so that the file can supply defaults

    private Streamrec() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs {@code args} against the environment of this process; returns the exit status. */
    public static int run(String... args) {
        return run(System.getenv(), args);
    }

    static int run(Map<String, String> env, String... args) {
        List<String> rest = new ArrayList<>();
        String configPath = env.get(CONFIG_VARIABLE);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                rest.addAll(List.of(args).subList(i, args.length));
                break;
            } else if (a.equals("--config") && i + 1 < args.length) {
                configPath = args[++i];
            } else if (a.startsWith("--config=")) {
                configPath = a.substring("--config=".length());
            } else {
                rest.add(a);
            }
        }
        ConfigFile file = ConfigFile.none();
        try {
            if (configPath != null && !configPath.isBlank()) {
                file = ConfigFile.read(Path.of(configPath));
            }
        } catch (IllegalArgumentException | IOException e) {
            return fileError(commandLine(env, ConfigFile.none()), configPath, e);
        }
        CommandLine root = commandLine(env, file);
        try {
            file.check(root);
        } catch (IllegalArgumentException e) {
            return fileError(root, configPath, e);
        }
        return root.execute(rest.toArray(String[]::new));
    }

    private static int fileError(CommandLine root, String configPath, Exception e) {
        root.getErr()
                .println(root.getColorScheme()
                        .errorText("error: "
                                + (e instanceof IOException
                                        ? "cannot read " + configPath + ": " + e
                                        : e.getMessage())));
        return 2;
    }

    /** The root with every command on the classpath; options default from the environment. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv(), ConfigFile.none());
    }

    static CommandLine commandLine(Map<String, String> env, ConfigFile file) {
        CommandLine root = new CommandLine(new Streamrec());
        Map<String, List<String>> sections = new LinkedHashMap<>();
        for (CommandSet set : commandSets()) {
            List<String> names = new ArrayList<>();
            for (Object command : set.commands()) {
                CommandLine sub = command instanceof CommandLine c ? c : new CommandLine(command);
                String name = sub.getCommandName();
                if (root.getSubcommands().containsKey(name)) {
                    throw new IllegalStateException("two command sets declare the command " + name);
                }
                root.addSubcommand(name, sub);
                names.add(name);
            }
            sections.put(set.heading(), names);
        }
        root.setDefaultValueProvider(new Settings(env, file));
        root.setExecutionExceptionHandler(Streamrec::handle);
        root.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, help -> "");
        root.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commandList(help, sections));
        return root;
    }

    /** Every command set on the classpath, in their declared order. */
    public static List<CommandSet> commandSets() {
        List<CommandSet> sets = new ArrayList<>();
        ServiceLoader.load(CommandSet.class).forEach(sets::add);
        sets.sort(Comparator.comparingInt(CommandSet::order).thenComparing(CommandSet::heading));
        return sets;
    }

    private static String commandList(Help help, Map<String, List<String>> sections) {
        StringBuilder b = new StringBuilder();
        for (var section : sections.entrySet()) {
            Map<String, Help> subs = new LinkedHashMap<>();
            for (String name : section.getValue()) {
                subs.put(name, help.subcommands().get(name));
            }
            b.append("%n%s:%n".formatted(section.getKey())).append(help.commandList(subs));
        }
        b.append("%nOther:%n".formatted())
                .append(help.commandList(Map.of("help", help.subcommands().get("help"))));
        return b.toString();
    }

    /**
     * A bad flag, value or file: one line and status 2 (a supervisor does not start it again). A
     * state that does not allow the run (a state directory in use, a missing build): one line and
     * status 1, as an I/O failure. Anything else keeps its stack trace.
     */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof NoSuchFileException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: no such file: " + e.getMessage()));
            return 2;
        }
        if (e instanceof IllegalArgumentException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return 2;
        }
        if (e instanceof IllegalStateException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return 1;
        }
        if (e instanceof IOException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: cannot read or write: " + e));
            return 1;
        }
        throw e;
    }
}
