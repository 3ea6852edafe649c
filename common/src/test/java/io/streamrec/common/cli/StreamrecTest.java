package io.streamrec.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The root command: commands from the command sets, and where a setting comes from (flag, environment, file, default). */
class StreamrecTest {
    @TempDir
    Path dir;

    private static <T> T parsed(CommandLine root, Class<T> type, String... args) {
        return type.cast(root.parseArgs(args).subcommand().commandSpec().userObject());
    }

    private Path file(String text) throws Exception {
        Path f = dir.resolve("streamrec.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        ConfigFile file = ConfigFile.read(file("# shared\nlr = 0.5\nfit.batch-size: 64\n"));
        Map<String, String> env = Map.of("STREAMREC_BATCH_SIZE", "99");
        assertEquals(
                0.001, parsed(Streamrec.commandLine(Map.of(), ConfigFile.none()), TestCommands.Fit.class, "fit").lr);
        assertEquals(0.5, parsed(Streamrec.commandLine(Map.of(), file), TestCommands.Fit.class, "fit").lr);
        assertEquals(
                0.5,
                parsed(Streamrec.commandLine(Map.of(), file), TestCommands.Score.class, "score").lr,
                "a bare key sets every command's option");
        assertEquals(64, parsed(Streamrec.commandLine(Map.of(), file), TestCommands.Fit.class, "fit").batchSize);
        assertEquals(99, parsed(Streamrec.commandLine(env, file), TestCommands.Fit.class, "fit").batchSize);
        assertEquals(
                7,
                parsed(Streamrec.commandLine(env, file), TestCommands.Fit.class, "fit", "--batch-size", "7").batchSize);
    }

    @Test
    void aCommandKeyBeatsABareKey() throws Exception {
        ConfigFile file = ConfigFile.read(file("lr = 0.5\nscore.lr = 0.25\n"));
        assertEquals(0.5, parsed(Streamrec.commandLine(Map.of(), file), TestCommands.Fit.class, "fit").lr);
        assertEquals(0.25, parsed(Streamrec.commandLine(Map.of(), file), TestCommands.Score.class, "score").lr);
    }

    @Test
    void theConfigFlagWorksBeforeOrAfterTheCommandAndFromTheEnvironment() throws Exception {
        Path f = file("lr = -1\n");
        assertEquals(2, quietly(() -> Streamrec.run(Map.of(), "--config", f.toString(), "fit")));
        assertEquals(2, quietly(() -> Streamrec.run(Map.of(), "fit", "--config=" + f)));
        assertEquals(2, quietly(() -> Streamrec.run(Map.of(Streamrec.CONFIG_VARIABLE, f.toString()), "fit")));
        assertEquals(
                0, quietly(() -> Streamrec.run(Map.of(Streamrec.CONFIG_VARIABLE, f.toString()), "fit", "--lr", "0.1")));
    }

    @Test
    void aBadFileNamesItsLineAndWhatIsWrong() throws Exception {
        assertError(
                "no command has an option --learning-rate",
                "streamrec.properties:2:",
                "lr = 0.1\nlearning-rate = 0.1\n");
        assertError("command score has no option --batch-size", "streamrec.properties:1:", "score.batch-size = 1\n");
        assertError("no command 'trian'", "streamrec.properties:1:", "trian.lr = 1\n");
        assertError("expected 'key = value'", "streamrec.properties:3:", "\n# c\njust words\n");
        assertError("already set on line 1", "streamrec.properties:2:", "lr = 1\nlr = 2\n");
        assertError("write the key without dashes", "streamrec.properties:1:", "--lr = 1\n");
        String err = stderr(() -> Streamrec.run(
                Map.of(), "--config", dir.resolve("missing.properties").toString(), "fit"));
        assertTrue(err.contains("missing.properties does not exist"), err);
    }

    @Test
    void helpListsEveryCommandUnderItsSetsHeading() {
        CommandLine root = Streamrec.commandLine();
        StringWriter out = new StringWriter();
        root.setOut(new PrintWriter(out));
        assertEquals(0, root.execute("--help"));
        String help = out.toString();
        assertTrue(help.contains("Test commands:"), help);
        assertTrue(help.matches("(?s).*fit\\s+Fits nothing\\..*score\\s+Scores nothing\\..*"), help);
        assertTrue(help.contains("--config=FILE"), help);
    }

    @Test
    void differingDefaultsMustBeExplained() {
        var commands = Streamrec.commandLine().getSubcommands();
        assertEquals(
                List.of("--lr: fit=0.001, score=0.005"),
                ConfigurationDoc.unexplainedDefaults(commands, "# Configuration\n"));
        String explained =
                "## Defaults that differ between commands\n\n| `--lr` | fit, score | scoring reads a coarser step |\n";
        assertTrue(ConfigurationDoc.unexplainedDefaults(commands, explained).isEmpty());
    }

    private void assertError(String what, String where, String text) throws Exception {
        Path f = file(text);
        String err = stderr(() -> Streamrec.run(Map.of(), "--config", f.toString(), "fit"));
        assertTrue(err.contains(where) && err.contains(what), "expected '" + where + " ... " + what + "' in: " + err);
    }

    private interface Run {
        int run() throws Exception;
    }

    private static int quietly(Run r) throws Exception {
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return r.run();
        } finally {
            System.setErr(old);
        }
    }

    private static String stderr(Run r) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, r.run());
        } finally {
            System.setErr(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
