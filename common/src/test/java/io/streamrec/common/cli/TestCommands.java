package io.streamrec.common.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Two commands for the root's tests, registered in this module's test resources. */
public final class TestCommands extends CommandSet {
    public TestCommands() {
        super("Test commands", 0, () -> List.of(new Fit(), new Score()));
    }

    @Command(name = "fit", description = "Fits nothing.")
    static final class Fit implements Callable<Integer> {
        @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate.")
        double lr;

        @Option(names = "--batch-size", defaultValue = "2048", description = "Batch size.")
        int batchSize;

        @Override
        public Integer call() {
            if (lr <= 0) {
                throw new IllegalArgumentException("--lr must be > 0, got " + lr);
            }
            return 0;
        }
    }

    @Command(name = "score", description = "Scores nothing.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--lr", defaultValue = "0.005", description = "Learning rate.")
        double lr;

        @Override
        public Integer call() {
            return 0;
        }
    }
}
