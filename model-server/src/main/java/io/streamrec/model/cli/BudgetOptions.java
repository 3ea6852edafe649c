package io.streamrec.model.cli;

import io.streamrec.model.server.IncrementalModel;
import picocli.CommandLine.Option;

/** How many fine-tuning steps a version gets (picocli mixin of {@code serve} and {@code bench-prequential}). */
public final class BudgetOptions {
    @Option(
            names = "--min-steps",
            defaultValue = "100",
            description = "BPR steps of every later (warm-started) version, at least (default: ${DEFAULT-VALUE}).")
    int minSteps;

    @Option(
            names = "--passes-over-new",
            defaultValue = "1.0",
            description =
                    "Steps enough for this many passes over a version's new edges, each step taking batch-size x (1 - replay-fraction) "
                            + "of them (default: ${DEFAULT-VALUE}).")
    double passes;

    @Option(
            names = "--max-steps",
            defaultValue = "5000",
            description = "BPR steps of a later version, at most (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(
            names = "--version-seconds",
            defaultValue = "20",
            description =
                    "Stop a version's steps after this many seconds (at least one step; 0: no limit) (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--subgraph-crossover",
            defaultValue = "" + IncrementalModel.Budget.DEFAULT_SUBGRAPH_CROSSOVER,
            description =
                    "A step propagates over its batch's K-hop neighbourhood instead of the whole graph when that visits at most this "
                            + "share of a full step's non-zeros; 0: always the whole graph (default: ${DEFAULT-VALUE}).")
    double subgraphCrossover;

    @Option(
            names = "--fanout",
            defaultValue = "" + IncrementalModel.Budget.DEFAULT_FANOUT,
            description =
                    "In a neighbourhood step, a node propagates from at most this many sampled neighbours per hop (weighted so the "
                            + "layer stays unbiased); 0: all of them, exact (default: ${DEFAULT-VALUE}).")
    int fanout;

    IncrementalModel.Budget budget() {
        try {
            return new IncrementalModel.Budget(minSteps, passes, maxSteps, seconds, subgraphCrossover, fanout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--min-steps, --max-steps, --passes-over-new, --version-seconds, --subgraph-crossover, --fanout: "
                            + e.getMessage());
        }
    }
}
