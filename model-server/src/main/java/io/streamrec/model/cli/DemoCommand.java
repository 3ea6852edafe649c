package io.streamrec.model.cli;

import io.streamrec.common.Defaults;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the single-machine run with embedded defaults, on data it generates: a
 * synthetic world, LightGCN trained on it with progress and per-epoch metrics, the model saved.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Generates a synthetic dataset, trains LightGCN on it and reports its metrics (no external data needed).")
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Option(
            names = "--dir",
            defaultValue = "runs/demo",
            paramLabel = "DIR",
            description = "Working directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--epochs", defaultValue = "40", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--device",
            defaultValue = Defaults.DEVICE,
            description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws Exception {
        GenerateCommand gen = new GenerateCommand();
        gen.out = dir.resolve("data");
        gen.users = 5000;
        gen.items = 2000;
        gen.topics = 20;
        gen.perUser = 20;
        gen.seed = 1;
        gen.call();
        TrainCommand train = new TrainCommand();
        train.data = gen.out;
        train.out = dir.resolve("model");
        train.layers = 3;
        train.dim = 64;
        train.epochs = epochs;
        train.lr = 0.005;
        train.batchSize = 2048;
        train.lambda = 1e-4;
        train.seed = 19;
        train.negatives = "uniform";
        train.evalEvery = 5;
        train.evalSplit = "test";
        train.patience = 0;
        train.device = device;
        train.backend = "auto";
        train.threads = 0;
        train.name = "lightgcn";
        train.call();
        LOG.info(
                "Demo done: NDCG@20 {} Recall@20 {} on held-out interactions. Model in {}; per-epoch log in {}",
                TrainCommand.fmt(train.lastTestMetrics.ndcg(20)),
                TrainCommand.fmt(train.lastTestMetrics.recall(20)),
                train.out,
                train.out.resolve("train.log"));
        return 0;
    }
}
