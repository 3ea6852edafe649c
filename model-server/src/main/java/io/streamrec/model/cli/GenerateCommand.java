package io.streamrec.model.cli;

import io.streamrec.model.data.InteractionData;
import io.streamrec.model.data.SyntheticInteractions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: writes a synthetic dataset in the adjacency-list format. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Writes a synthetic dataset (latent topics, Zipf popularity) as train.txt/validation.txt/test.txt.")
public final class GenerateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(GenerateCommand.class);

    @Option(
            names = "--out",
            defaultValue = "runs/synthetic",
            paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--users", defaultValue = "5000", description = "Users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "2000", description = "Items (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--topics", defaultValue = "20", description = "Latent topics (default: ${DEFAULT-VALUE}).")
    int topics;

    @Option(
            names = "--per-user",
            defaultValue = "20",
            description = "Mean interactions per user (default: ${DEFAULT-VALUE}).")
    int perUser;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        InteractionData d = SyntheticInteractions.generate(users, items, topics, perUser, seed);
        SyntheticInteractions.writeAdjacencyLists(d, out);
        LOG.info("Wrote {} to {}", d, out);
        return 0;
    }
}
