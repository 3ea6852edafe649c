package io.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.common.cli.ConfigFile;
import io.streamrec.common.cli.Settings;
import io.streamrec.common.cli.Streamrec;
import io.streamrec.model.data.DatasetLoader;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;
import io.streamrec.model.store.SavedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The train / evaluate commands end to end on generated data. */
class ModelCliTest {
    @TempDir
    static Path dir;

    static Path data;

    @BeforeAll
    static void generate() {
        data = dir.resolve("data");
        InteractionData d = SyntheticInteractions.generate(600, 300, 6, 16, 4);
        SyntheticInteractions.writeAdjacencyLists(d, data);
    }

    @Test
    void trainWritesReferenceLayoutLogModelAndResults() throws Exception {
        Path out = dir.resolve("model");
        Path results = dir.resolve("results.json");
        int rc = Streamrec.run(
                "train",
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--layers",
                "2",
                "--dim",
                "32",
                "--epochs",
                "15",
                "--lr",
                "0.01",
                "--batch-size",
                "512",
                "--eval-every",
                "5",
                "--results-json",
                results.toString());
        assertEquals(0, rc);
        List<String> log = Files.readAllLines(out.resolve("train.log"));
        assertTrue(log.get(0).startsWith("{") && log.get(0).contains("\"layers\":2"), log.get(0));
        assertEquals(
                "Epoch\tT-Loss\tV-Loss\tPrecision@5\tRecall@5\tNDCG@5\tPrecision@10\tRecall@10\tNDCG@10"
                        + "\tPrecision@20\tRecall@20\tNDCG@20\tPrecision@50\tRecall@50\tNDCG@50",
                log.get(1));
        assertEquals(5, log.size(), "rows for epochs 5, 10, 15");
        assertTrue(log.get(4).startsWith("15\t"));

        JsonNode r = new ObjectMapper().readTree(results.toFile());
        assertEquals("lightgcn", r.get("model").asText());
        assertEquals(2, r.get("layers").asInt());
        double ndcg = r.get("metrics").get("ndcg@20").asDouble();
        // Random ranking over ~300 items scores about 0.03; the topic structure is learnable.
        assertTrue(ndcg > 0.12, "learned something: NDCG@20 = " + ndcg);

        SavedModel saved = SavedModel.load(out);
        assertEquals(2, saved.layers());
        assertEquals(15, saved.epochs());

        // evaluate reads the saved model and reproduces the recorded test metrics
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Streamrec.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--json"));
        } finally {
            System.setOut(old);
        }
        JsonNode ev = new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
        assertEquals(ndcg, ev.get("ndcg@20").asDouble(), 1e-6);
    }

    @Test
    void sameSeedSameModelAndWarmStartResumes() throws Exception {
        String[] common = {
            "train", "--data", data.toString(), "--layers", "1", "--batch-size", "256", "--eval-every", "0"
        };
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, Streamrec.run(concat(common, "--out", a.toString(), "--epochs", "3", "--dim", "16")));
        assertEquals(0, Streamrec.run(concat(common, "--out", b.toString(), "--epochs", "3", "--dim", "16")));
        assertArrayEquals(
                SavedModel.load(a).table(), SavedModel.load(b).table(), "deterministic for a seed on the CPU");

        // Warm start: one more epoch from a moves each value by at most steps·lr (Adam's step bound).
        Path c = dir.resolve("c");
        assertEquals(
                0,
                Streamrec.run(concat(
                        common, "--out", c.toString(), "--init-from", a.toString(), "--epochs", "1", "--dim", "16")));
        float[] ta = SavedModel.load(a).table();
        float[] tc = SavedModel.load(c).table();
        InteractionData d = DatasetLoader.load(data);
        int steps = (int) ((d.trainInteractions() + 255) / 256);
        float maxDiff = 0;
        for (int k = 0; k < ta.length; k++) {
            maxDiff = Math.max(maxDiff, Math.abs(ta[k] - tc[k]));
        }
        assertTrue(
                maxDiff > 0 && maxDiff <= steps * 0.001f * 1.05f, "warm start continues from a: max change " + maxDiff);
        // A model of another shape is refused with a message.
        assertEquals(
                2,
                Streamrec.run(concat(
                        common,
                        "--out",
                        dir.resolve("e").toString(),
                        "--init-from",
                        a.toString(),
                        "--epochs",
                        "1",
                        "--dim",
                        "8")));
    }

    @Test
    void badFlagsAndFilesGetClearMessages() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Streamrec.run("train", "--data", dir.resolve("nope").toString()));
            assertEquals(2, Streamrec.run("train", "--data", data.toString(), "--device", "tpu"));
            assertEquals(2, Streamrec.run("train", "--data", data.toString(), "--lr", "-1"));
        } finally {
            System.setErr(old);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("nope: no such file or directory"), msg);
        assertTrue(msg.contains("--device must be auto, cpu or gpu, got 'tpu'"), msg);
        assertTrue(msg.contains("learning rate must be > 0"), msg);
    }

    @Test
    void environmentVariablesOverrideDefaults() {
        CommandLine cli = Streamrec.commandLine();
        cli.setDefaultValueProvider(new Settings(Map.of("STREAMREC_BATCH_SIZE", "99"), ConfigFile.none()));
        CommandLine.ParseResult pr = cli.parseArgs("train", "--data", "x");
        TrainCommand t = (TrainCommand) pr.subcommand().commandSpec().userObject();
        assertEquals(99, t.batchSize);
        assertEquals("STREAMREC_EVAL_EVERY", Settings.variableFor("--eval-every"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
