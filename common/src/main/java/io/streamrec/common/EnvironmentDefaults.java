package io.streamrec.common;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option can also be set from the environment: {@code --batch-size} reads
 * {@code STREAMREC_BATCH_SIZE}. Precedence: command line, then environment, then the built-in
 * default (docs/CONFIGURATION.md lists them all).
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    private final Map<String, String> env;

    public EnvironmentDefaults() {
        this(System.getenv());
    }

    public EnvironmentDefaults(Map<String, String> env) {
        this.env = env;
    }

    public static String variableFor(String longOption) {
        return "STREAMREC_" + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            String value = env.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return arg.defaultValue();
    }
}
