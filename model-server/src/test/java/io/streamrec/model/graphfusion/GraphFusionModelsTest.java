package io.streamrec.model.graphfusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.common.cli.Streamrec;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.NpyMatrix;
import io.streamrec.model.data.SyntheticInteractions;
import io.streamrec.model.lightgcn.LightGcnConfig;
import io.streamrec.model.multimodal.ModalityVectors;
import io.streamrec.model.store.SavedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MM-GEF and RedND end to end on generated data whose items carry a content signal (their topic, with
 * noise): they learn, the saved model records its kind and round-trips to the same embeddings, and
 * cold items are placed through their content neighbours.
 */
class GraphFusionModelsTest {
    private static final int USERS = 500;
    private static final int ITEMS = 240;
    private static final int TOPICS = 6;

    @TempDir
    static Path dir;

    static Path data;
    static Path topicFile;
    static Path noiseFile;
    static InteractionData dataset;

    @BeforeAll
    static void generate() throws Exception {
        data = dir.resolve("data");
        dataset = SyntheticInteractions.generate(USERS, ITEMS, TOPICS, 16, 4);
        SyntheticInteractions.writeAdjacencyLists(dataset, data);
        SplittableRandom r = new SplittableRandom(5);
        float[][] topic = new float[ITEMS][];
        float[][] noise = new float[ITEMS][];
        for (int i = 0; i < ITEMS; i++) {
            topic[i] = new float[8];
            for (int c = 0; c < 8; c++) {
                topic[i][c] = (float) (0.3 * r.nextGaussian());
            }
            topic[i][i % TOPICS] += 1f; // SyntheticInteractions puts item i in topic i mod TOPICS
            noise[i] = new float[4];
            for (int c = 0; c < 4; c++) {
                noise[i][c] = (float) r.nextGaussian();
            }
        }
        topicFile = dir.resolve("topic.npy");
        noiseFile = dir.resolve("noise.npy");
        NpyMatrix.write(topicFile, topic, 8);
        NpyMatrix.write(noiseFile, noise, 4);
    }

    private static String[] train(String model, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--model",
                model,
                "--modality",
                "topic=" + topicFile,
                "--modality",
                "noise=" + noiseFile,
                "--layers",
                "1",
                "--dim",
                "16",
                "--epochs",
                "12",
                "--lr",
                "0.01",
                "--batch-size",
                "512",
                "--eval-every",
                "0",
                "--results-json",
                out.resolve("results.json").toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static List<ModalityVectors> modalities() throws Exception {
        return List.of(
                ModalityVectors.fromNpy("topic", topicFile, ITEMS), ModalityVectors.fromNpy("noise", noiseFile, ITEMS));
    }

    @Test
    void mmgefLearnsSavesItsKindAndRoundTrips() throws Exception {
        roundTrip("mmgef", GraphFusionConfig.Kind.MMGEF, 16);
    }

    @Test
    void redndLearnsSavesItsKindAndRoundTrips() throws Exception {
        roundTrip("rednd", GraphFusionConfig.Kind.REDND, 3 * 16); // two modality channels and the id channel
    }

    private void roundTrip(String name, GraphFusionConfig.Kind kind, int finalDim) throws Exception {
        Path out = dir.resolve(name);
        assertEquals(0, Streamrec.run(train(name, out)));
        JsonNode r = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        double ndcg = r.get("metrics").get("ndcg@20").asDouble();
        assertTrue(ndcg > 0.12, name + " learned something: NDCG@20 = " + ndcg + " (random ranking: about 0.03)");
        assertEquals(name, r.get("model_kind").asText());

        SavedModel saved = SavedModel.load(out);
        assertEquals(name, saved.model());
        assertEquals(finalDim, saved.finalDim());
        assertNotNull(saved.table(), "the id table");
        // rebuild the model from what was saved: the same embeddings
        Map<String, float[]> params = new LinkedHashMap<>(saved.parameters());
        params.put("E0", saved.table());
        LightGcnConfig cfg = LightGcnConfig.builder().setLayers(1).setDim(16).build();
        try (GraphFusionTrainer t = new GraphFusionTrainer(
                USERS,
                ITEMS,
                dataset.train(),
                modalities(),
                cfg,
                GraphFusionConfig.defaults(kind),
                Device.cpu(),
                params)) {
            assertArrayEquals(saved.finalEmbeddings(), t.finalEmbeddings(), 1e-6f);
        }
        // evaluate reads it back with its own width
        assertEquals(0, Streamrec.run("evaluate", "--model", out.toString(), "--data", data.toString()));
        // and a saved model of one kind does not start another
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Streamrec.run(train(
                    name.equals("mmgef") ? "rednd" : "mmgef", dir.resolve(name + "-x"), "--init-from", out.toString()));
        } finally {
            System.setErr(old);
        }
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("model cannot start a"), err.toString());
    }

    @Test
    void coldItemsArePlacedThroughTheirContentNeighbours() throws Exception {
        for (String model : List.of("mmgef", "rednd")) {
            Path out = dir.resolve("cold-" + model + ".json");
            assertEquals(
                    0,
                    Streamrec.run(
                            "cold-start",
                            "--data",
                            data.toString(),
                            "--model",
                            model,
                            "--modality",
                            "topic=" + topicFile,
                            "--modality",
                            "noise=" + noiseFile,
                            "--layers",
                            "1",
                            "--dim",
                            "16",
                            "--epochs",
                            "12",
                            "--lr",
                            "0.01",
                            "--out",
                            out.toString()));
            JsonNode r = new ObjectMapper().readTree(out.toFile());
            double random = r.get("random").get("ndcg@20").asDouble();
            double lightgcn = r.get("lightgcn").get("ndcg@20").asDouble();
            double cold = r.get("fusion").get("ndcg@20").asDouble();
            assertEquals(model, r.get("fusion").get("model").asText());
            assertTrue(
                    cold > 2 * Math.max(random, lightgcn),
                    model + ": cold NDCG@20 " + cold + " vs random " + random + ", LightGCN " + lightgcn);
        }
    }
}
