package io.streamrec.model.server;

import io.streamrec.model.graphfusion.GraphFusionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the model server keeps its state: the {@link ModelSnapshot} of the model after each
 * published version, with the changelog and catalog positions that version was read through, in
 * {@code <state-dir>/snapshot} (the one it replaced in {@code snapshot.prev}).
 */
final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final String POSITIONS = "positions.properties";

    /** A restored (or fresh) model, where its inputs resume, and whether a snapshot was found damaged. */
    record Restored(IncrementalModel model, Map<TopicPartition, Long> positions, boolean damaged) {}

    private final Path stateDir;
    private final IncrementalModel.Settings modelSettings;
    private final ServerMetrics metrics;

    SnapshotStore(Path stateDir, IncrementalModel.Settings modelSettings, ServerMetrics metrics) {
        this.stateDir = stateDir;
        this.modelSettings = modelSettings;
        this.metrics = metrics;
    }

    private Path dir() {
        return stateDir.resolve("snapshot");
    }

    /** Snapshots {@code model}, with the positions a restart resumes from. */
    void save(IncrementalModel model, Map<TopicPartition, Long> positions) throws IOException {
        Properties p = new Properties();
        positions.forEach((tp, off) -> p.setProperty(tp.topic() + ":" + tp.partition(), Long.toString(off)));
        model.save(dir(), Map.of(POSITIONS, p));
    }

    /**
     * Restores the newest intact snapshot: {@code snapshot}, else the one before it ({@code
     * snapshot.prev}, whose changelog and catalog positions are then read again), else none, and the
     * model is rebuilt from the changelog's beginning. A damaged snapshot is logged as an error and
     * set aside as {@code <name>.damaged} (kept for inspection; the next save does not rotate it into
     * {@code .prev}).
     */
    Restored restore(GraphFusionConfig graphFusion) throws IOException {
        Path dir = dir();
        List<Path> candidates =
                List.of(dir, ModelSnapshot.previous(dir), dir.resolveSibling(dir.getFileName() + ".old"));
        List<String> damage = new ArrayList<>();
        for (Path c : candidates) {
            if (!Files.isDirectory(c)) {
                continue;
            }
            try {
                IncrementalModel m = ModelSnapshot.load(c, modelSettings);
                m.useGraphFusion(graphFusion);
                Map<TopicPartition, Long> positions = new HashMap<>();
                readPositions(c).forEach((k, v) -> positions.put(parse((String) k), Long.parseLong((String) v)));
                if (damage.isEmpty()) {
                    LOG.info(
                            "Restored snapshot version {} (through seq {}, {} users, {} items, {} edges)",
                            m.version(),
                            m.throughSeq(),
                            m.numUsers(),
                            m.numItems(),
                            m.edges());
                } else {
                    LOG.error(
                            "RESTORED AN OLDER SNAPSHOT: {} is version {} (through seq {}, {} users, {} items, {} edges); the changelog "
                                    + "after it is read and trained again, and catalog dead letters after it may be sent again",
                            c,
                            m.version(),
                            m.throughSeq(),
                            m.numUsers(),
                            m.numItems(),
                            m.edges());
                }
                return new Restored(m, positions, !damage.isEmpty());
            } catch (IOException | RuntimeException e) {
                damage.add(e.getMessage());
                metrics.damagedSnapshots.incrementAndGet();
                Path aside = c.resolveSibling(c.getFileName() + ".damaged");
                ModelSnapshot.deleteTree(aside);
                Files.move(c, aside, StandardCopyOption.ATOMIC_MOVE);
                LOG.error("DAMAGED SNAPSHOT {}: {}; set aside as {}", c, e.getMessage(), aside.getFileName());
            }
        }
        IncrementalModel fresh = new IncrementalModel(modelSettings);
        fresh.useGraphFusion(graphFusion);
        if (damage.isEmpty()) {
            LOG.info("No snapshot in {}: starting empty", stateDir);
        } else {
            LOG.error(
                    "NO INTACT SNAPSHOT in {} ({} damaged): rebuilding the model from the changelog's beginning",
                    stateDir,
                    damage.size());
        }
        return new Restored(fresh, Map.of(), !damage.isEmpty());
    }

    private static Properties readPositions(Path snapshot) throws IOException {
        Properties p = new Properties();
        Path f = snapshot.resolve(POSITIONS);
        if (Files.exists(f)) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            }
        }
        return p;
    }

    private static TopicPartition parse(String key) {
        int c = key.lastIndexOf(':');
        return new TopicPartition(key.substring(0, c), Integer.parseInt(key.substring(c + 1)));
    }
}
