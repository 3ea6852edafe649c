package io.streamrec.launcher;

import io.streamrec.common.Defaults;
import io.streamrec.kafka.world.SyntheticWorld;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.schemas.Topics;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The synthetic world as a producer against any Kafka (the one `pipeline` embeds, or a cluster). */
@Command(
        name = "world",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Produces the synthetic world into an existing Kafka: items with text to <prefix>items, interactions "
                    + "to <prefix>interactions, at a steady rate (users with drifting tastes, items arriving over time, popularity "
                    + "skew). What `pipeline` runs inside; use it against a cluster. Ctrl-C stops."
        })
public final class WorldCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(WorldCommand.class);

    @CommandLine.Mixin
    KafkaTarget kafka = new KafkaTarget();

    @Option(
            names = "--rate",
            defaultValue = "500",
            description = "Interactions per second (0: as fast as the broker takes them). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "Stop after this many interactions (0: never). Default: ${DEFAULT-VALUE}.")
    long limit;

    @Option(names = "--users", defaultValue = "5000", description = "Users. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--items", defaultValue = "800", description = "Items at the start. Default: ${DEFAULT-VALUE}.")
    int items;

    @Option(
            names = "--new-item-every",
            defaultValue = Defaults.NEW_ITEM_EVERY,
            description = "A new item (with text) every this many interactions (0: never). Default: ${DEFAULT-VALUE}.")
    int newItemEvery;

    @Option(
            names = "--drift",
            defaultValue = Defaults.DRIFT,
            description =
                    "Per interaction, the chance that the user's taste moves half way to another topic. Default: ${DEFAULT-VALUE}.")
    double drift;

    @Option(names = "--seed", defaultValue = "7", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--malformed",
            negatable = true,
            defaultValue = "false",
            fallbackValue = "true",
            description =
                    "Send one malformed record in a thousand (to see the dead-letter topic work). Default: ${DEFAULT-VALUE}.")
    boolean malformed;

    @Override
    public Integer call() throws Exception {
        if (rate < 0 || limit < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rate and --limit must be >= 0");
        }
        SyntheticWorld world;
        try {
            world = new SyntheticWorld(seed, users, items, newItemEvery, drift);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        Topics topics = kafka.topics();
        WorldProducer producer = new WorldProducer(
                        world, kafka.bootstrap, topics.interactions(), topics.items(), rate, limit, malformed)
                .withClientProperties(kafka.properties);
        Thread hook = new Thread(producer::stop, "world-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        Thread t = new Thread(producer, "world");
        t.start();
        while (t.isAlive()) {
            t.join(10_000);
            if (t.isAlive()) {
                LOG.info(
                        "{} interactions produced ({} items in the catalog)",
                        producer.produced(),
                        world.catalog().size());
            }
        }
        if (producer.failure() != null) {
            throw new IllegalStateException(
                    "producing to " + kafka.bootstrap + " failed: "
                            + producer.failure().getMessage(),
                    producer.failure());
        }
        LOG.info(
                "Produced {} interactions in {} s",
                producer.produced(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return 0;
    }
}
