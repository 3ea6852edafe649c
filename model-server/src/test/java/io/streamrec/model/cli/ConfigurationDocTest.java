package io.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.common.ConfigurationDoc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/CONFIGURATION.md is the one place every setting is documented: it must list every option of every command. */
class ConfigurationDocTest {
    @Test
    void everyOptionIsDocumentedWithItsEnvironmentVariable() throws Exception {
        Path doc = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("CONFIGURATION.md");
        List<String> missing = ConfigurationDoc.undocumented(new CommandLine(new ModelCli()).getSubcommands(), Files.readString(doc));
        assertTrue(missing.isEmpty(), "not in docs/CONFIGURATION.md: " + missing);
    }
}
