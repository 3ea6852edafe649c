package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.common.cli.ConfigurationDoc;
import io.streamrec.common.cli.Streamrec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/CONFIGURATION.md is the one place every setting is documented, for every command of the
 * one root (this module's classpath holds the model commands too): its commands' part is what
 * the code declares, and one option name has one default unless the document says why not. Bad flags say what is wrong.
 */
class ConfigurationDocTest {
    private static final String WRITE =
            "\n(rewrite it: java -cp 'launcher/target/streamrec-launcher-0.1.0-SNAPSHOT.jar:launcher/target/modules/*:launcher/target/lib-cpu/*' "
                    + ConfigurationDoc.class.getName() + " --write docs/CONFIGURATION.md)";

    private static String doc() throws Exception {
        return Files.readString(
                Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("CONFIGURATION.md"));
    }

    @Test
    void everyCommandIsUnderTheOneRoot() {
        var names = Streamrec.commandLine().getSubcommands().keySet();
        for (String c : List.of(
                "pipeline",
                "graph-job",
                "world",
                "dashboard",
                "bench-scale",
                "train",
                "serve",
                "evaluate",
                "bench-prequential")) {
            assertTrue(names.contains(c), c + " is not a command of the root: " + names);
        }
    }

    @Test
    void theCommandsPartIsWhatTheCodeDeclares() throws Exception {
        String doc = doc();
        assertTrue(
                doc.equals(ConfigurationDoc.withGenerated(doc, ConfigurationDoc.generated())),
                "docs/CONFIGURATION.md's commands part differs from the commands' options" + WRITE);
    }

    @Test
    void oneOptionNameHasOneDefaultOrADocumentedReason() throws Exception {
        List<String> unexplained =
                ConfigurationDoc.unexplainedDefaults(Streamrec.commandLine().getSubcommands(), doc());
        assertTrue(
                unexplained.isEmpty(),
                "options whose default differs between commands, not explained under '"
                        + ConfigurationDoc.DIFFERING_DEFAULTS + "' in docs/CONFIGURATION.md:\n  "
                        + String.join("\n  ", unexplained));
    }

    @Test
    void badFlagsAreExplained() {
        CommandLine cli = Streamrec.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("graph-job", "--checkpoint-interval", "soon"));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, cli.execute("graph-job", "--trigger-interval", "5"));
        assertTrue(err.toString().contains("needs a unit"), err.toString());
    }
}
