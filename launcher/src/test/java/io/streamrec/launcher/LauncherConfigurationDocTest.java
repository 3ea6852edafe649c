package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.common.ConfigurationDoc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The pipeline commands' options are in docs/CONFIGURATION.md too, and bad flags say what is wrong. */
class LauncherConfigurationDocTest {
  @Test
  void everyOptionIsDocumented() throws Exception {
    Path doc = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("CONFIGURATION.md");
    List<String> missing = ConfigurationDoc.undocumented(StreamrecLauncher.commandLine().getSubcommands(), Files.readString(doc));
    assertTrue(missing.isEmpty(), "not in docs/CONFIGURATION.md: " + missing
        + "\n(print the tables: java -cp <classpath> io.streamrec.common.ConfigurationDoc io.streamrec.launcher.StreamrecLauncher)");
  }

  @Test
  void badFlagsAreExplained() {
    CommandLine cli = StreamrecLauncher.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("graph-job", "--checkpoint-interval", "soon"));
    assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli.execute("graph-job", "--trigger-interval", "5"));
    assertTrue(err.toString().contains("needs a unit"), err.toString());
  }
}
