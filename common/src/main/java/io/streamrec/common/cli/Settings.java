package io.streamrec.common.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option that is not on the command line gets its value. Precedence: the command line,
 * then the environment ({@code --batch-size} reads {@code STREAMREC_BATCH_SIZE}), then the
 * settings file ({@code --config}, {@link ConfigFile}), then the option's one default, declared
 * in the code (docs/CONFIGURATION.md lists them all).
 */
public final class Settings implements IDefaultValueProvider {
    private final Map<String, String> env;
    private final ConfigFile file;

    public Settings(Map<String, String> env, ConfigFile file) {
        this.env = env;
        this.file = file;
    }

    /** The environment only: no settings file. */
    public static Settings fromEnvironment() {
        return new Settings(System.getenv(), ConfigFile.none());
    }

    public static String variableFor(String longOption) {
        return "STREAMREC_"
                + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            String value = env.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
            String command = topLevelName(option.command());
            if (command != null) {
                var fromFile = file.value(command, option.longestName());
                if (fromFile.isPresent()) {
                    return fromFile.get();
                }
            }
        }
        return arg.defaultValue();
    }

    /** The name of the root's subcommand that holds {@code spec} (the command itself when it has no parent). */
    private static String topLevelName(CommandSpec spec) {
        if (spec == null) {
            return null;
        }
        CommandSpec s = spec;
        while (s.parent() != null && s.parent().parent() != null) {
            s = s.parent();
        }
        return s.name();
    }
}
