package io.streamrec.model.cli;

import io.streamrec.common.EnvironmentDefaults;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/CONFIGURATION.md is the one place every setting is documented: it must list every option of every command. */
class ConfigurationDocTest {
    @Test
    void everyOptionIsDocumentedWithItsEnvironmentVariable() throws Exception {
        Path doc = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("CONFIGURATION.md");
        String text = Files.readString(doc);
        List<String> missing = new ArrayList<>();
        CommandLine cli = new CommandLine(new ModelCli());
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String section = section(text, "### `" + e.getKey() + "`");
            if (section == null) {
                missing.add("section for command " + e.getKey());
                continue;
            }
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                String name = o.longestName();
                if (name.equals("--help") || name.equals("--version")) {
                    continue;
                }
                if (!section.contains("`" + name + "`") || !section.contains("`" + EnvironmentDefaults.variableFor(name) + "`")) {
                    missing.add(e.getKey() + " " + name);
                }
            }
        }
        assertTrue(missing.isEmpty(), "not in docs/CONFIGURATION.md: " + missing);
    }

    private static String section(String text, String heading) {
        int start = text.indexOf(heading);
        if (start < 0) {
            return null;
        }
        int end = text.indexOf("\n### ", start + heading.length());
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }
}
