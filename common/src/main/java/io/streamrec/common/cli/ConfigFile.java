package io.streamrec.common.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A settings file: one {@code key = value} per line ({@code key: value} also works), {@code #}
 * or {@code !} starts a comment. A key is an option's long name without its dashes, for every
 * command that has it ({@code bootstrap-servers = 127.0.0.1:9092}), or prefixed by one command's
 * name for that command only ({@code train.epochs = 50}), which wins over the bare key.
 * {@link #check} rejects a key that no command has, naming the file and the line.
 */
public final class ConfigFile {
    /** A setting and the line it came from. */
    record Entry(String value, int line) {}

    private final Path path;
    private final Map<String, Entry> entries;

    private ConfigFile(Path path, Map<String, Entry> entries) {
        this.path = path;
        this.entries = entries;
    }

    /** No file: no settings. */
    public static ConfigFile none() {
        return new ConfigFile(null, Map.of());
    }

    public static ConfigFile read(Path path) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + path + " does not exist");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = separator(line);
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        path + ":" + lineNo + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.startsWith("-")) {
                throw new IllegalArgumentException(
                        path + ":" + lineNo + ": write the key without dashes: '" + key.replaceFirst("^-+", "") + "'");
            }
            Entry earlier = entries.put(key, new Entry(value, lineNo));
            if (earlier != null) {
                throw new IllegalArgumentException(
                        path + ":" + lineNo + ": '" + key + "' is already set on line " + earlier.line());
            }
        }
        return new ConfigFile(path, entries);
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    /** The value for {@code --option} of {@code command} (top-level name), if the file sets it. */
    Optional<String> value(String command, String longOption) {
        String key = longOption.replaceFirst("^-+", "");
        Entry e = entries.get(command + "." + key);
        if (e == null) {
            e = entries.get(key);
        }
        return Optional.ofNullable(e).map(Entry::value);
    }

    /** Every key must name an option of a command of {@code root}: else the file's line says which is wrong. */
    void check(CommandLine root) {
        for (var e : entries.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            String where = path + ":" + e.getValue().line() + ": ";
            if (dot > 0) {
                String command = key.substring(0, dot);
                CommandLine sub = root.getSubcommands().get(command);
                if (sub == null) {
                    throw new IllegalArgumentException(where + "no command '" + command + "' (commands: "
                            + String.join(", ", root.getSubcommands().keySet()) + ")");
                }
                if (!optionNames(sub).contains(key.substring(dot + 1))) {
                    throw new IllegalArgumentException(
                            where + "command " + command + " has no option --" + key.substring(dot + 1));
                }
            } else if (root.getSubcommands().values().stream()
                    .noneMatch(sub -> optionNames(sub).contains(key))) {
                throw new IllegalArgumentException(where + "no command has an option --" + key);
            }
        }
    }

    private static Set<String> optionNames(CommandLine command) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : command.getCommandSpec().options()) {
            names.add(o.longestName().replaceFirst("^-+", ""));
        }
        return names;
    }
}
