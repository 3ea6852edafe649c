package io.streamrec.model.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.common.Defaults;
import io.streamrec.model.data.DatasetLoader;
import io.streamrec.model.data.InteractionData;
import io.streamrec.model.eval.RankingEvaluator;
import io.streamrec.model.eval.RankingMetrics;
import io.streamrec.model.lightgcn.DeviceSelection;
import io.streamrec.model.store.SavedModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: full-ranking metrics of a saved model on a dataset split. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Evaluates a saved model: full ranking, train+validation items excluded, P/R/NDCG@K (docs/METHODS.md §5).")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(
            names = {"--model", "--model-dir"},
            required = true,
            paramLabel = "DIR",
            description = "A directory written by train.")
    Path model;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "The dataset the model was trained on.")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "test or validation (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--ks",
            defaultValue = "5,10,20,50",
            split = ",",
            description = "Cut-offs K (default: ${DEFAULT-VALUE}).")
    int[] ks;

    @Option(
            names = "--device",
            defaultValue = Defaults.DEVICE,
            description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--json", description = "Print the metrics as JSON instead of a table.")
    boolean json;

    @Option(
            names = "--results-json",
            paramLabel = "FILE",
            description = "Also write a bench/results-style JSON summary (test split) here.")
    Path resultsJson;

    @Option(
            names = "--name",
            defaultValue = "lightgcn",
            description = "Model name recorded in --results-json (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws Exception {
        SavedModel saved = SavedModel.load(model);
        InteractionData dataset = DatasetLoader.load(data);
        if (saved.numUsers() != dataset.numUsers() || saved.numItems() != dataset.numItems()) {
            throw new IllegalArgumentException(
                    "model " + model + " has " + saved.numUsers() + " users / " + saved.numItems() + " items but "
                            + data + " has " + dataset.numUsers() + " / " + dataset.numItems());
        }
        InteractionData target = switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> dataset;
            case "validation" -> dataset.validationAsTest();
            default -> throw new IllegalArgumentException("--split must be test or validation, got '" + split + "'");
        };
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("--ks: every K must be >= 1, got " + Arrays.toString(ks));
            }
        }
        Device dev = DeviceSelection.resolve(device);
        RankingMetrics m = RankingEvaluator.evaluate(saved.finalEmbeddings(), saved.finalDim(), target, ks, dev);
        if (resultsJson != null) {
            Object secs = saved.metrics().get("seconds");
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("split", split);
            extra.put("config", saved.config());
            extra.put("selected_epoch", saved.metrics().get("selected_epoch"));
            ResultsFile.write(
                    resultsJson,
                    dataset.name(),
                    name,
                    saved.layers(),
                    saved.epochs(),
                    m,
                    secs instanceof Number n ? n.doubleValue() : Double.NaN,
                    System.getProperty("streamrec.command", "streamrec evaluate"),
                    extra);
        }
        if (json) {
            System.out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(m.toMap()));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s (%s split), %d users%n", model, dataset.name(), split, m.users());
            System.out.printf(Locale.ROOT, "%6s %10s %10s %10s%n", "K", "Precision", "Recall", "NDCG");
            for (int k : m.ks()) {
                System.out.printf(Locale.ROOT, "%6d %10.4f %10.4f %10.4f%n", k, m.precision(k), m.recall(k), m.ndcg(k));
            }
        }
        return 0;
    }
}
