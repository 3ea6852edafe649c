package io.streamrec.common.cli;

import java.util.List;
import java.util.function.Supplier;

/**
 * One module's commands for the root command {@link Streamrec}. Each module lists its commands
 * once, in a subclass registered in {@code META-INF/services/io.streamrec.common.cli.CommandSet};
 * the root finds every set on the classpath, so a JVM that holds only the model server offers
 * only the model commands, and {@code ./streamrec} (which holds both) offers all of them.
 */
public abstract class CommandSet {
    private final String heading;
    private final int order;
    private final Supplier<List<Object>> commands;

    /**
     * @param heading the heading of this set's commands in {@code streamrec --help}
     * @param order where the set stands in the help and in docs/CONFIGURATION.md: lower first
     * @param commands new instances of the commands, in help order: picocli-annotated objects or
     *     {@link picocli.CommandLine}s (a command line is built afresh for every run)
     */
    protected CommandSet(String heading, int order, Supplier<List<Object>> commands) {
        this.heading = heading;
        this.order = order;
        this.commands = commands;
    }

    public final String heading() {
        return heading;
    }

    public final int order() {
        return order;
    }

    public final List<Object> commands() {
        return commands.get();
    }
}
