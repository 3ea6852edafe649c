package io.streamrec.launcher;

import io.streamrec.kafka.world.SyntheticWorld;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synthetic world of a pipeline directory and how far it has played: a re-run with the same
 * settings fast-forwards the (deterministic) world to where the last run stopped.
 */
record WorldState(SyntheticWorld world, Path file, String settings) {
    private static final Logger LOG = LoggerFactory.getLogger(WorldState.class);

    static WorldState open(Path file, long seed, int users, int items, int newItemEvery, double drift) {
        String settings = "seed=" + seed + " users=" + users + " items=" + items + " new-item-every=" + newItemEvery
                + " drift=" + drift;
        SyntheticWorld world = new SyntheticWorld(seed, users, items, newItemEvery, drift);
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the world's position from " + file, e);
            }
            long position;
            try {
                position = Long.parseLong(p.getProperty("position", "0"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": position is not a number: " + p.getProperty("position"));
            }
            if (settings.equals(p.getProperty("settings"))) {
                world.fastForward(position);
                LOG.info("World resumed after {} interactions ({})", position, settings);
            } else {
                LOG.warn(
                        "World settings changed ({} -> {}): starting a new world (interactions so far stay in the topics)",
                        p.getProperty("settings"),
                        settings);
            }
        }
        return new WorldState(world, file, settings);
    }

    /** Records the position atomically (temp file + rename). */
    synchronized void save(long position) {
        Properties p = new Properties();
        p.setProperty("settings", settings);
        p.setProperty("position", Long.toString(position));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "streamrec synthetic world");
        } catch (IOException e) {
            LOG.warn("Cannot save the world's position to {}: {}", file, e.toString());
            return;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Cannot save the world's position to {}: {}", file, e.toString());
        }
    }
}
