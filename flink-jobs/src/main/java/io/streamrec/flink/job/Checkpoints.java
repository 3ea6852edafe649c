package io.streamrec.flink.job;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.AbstractChannelStateHandle;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds retained checkpoints, {@code <dir>/<job id>/chk-<n>/_metadata} on any Flink file system,
 * and checks them before a restore: the metadata must parse, and every state file it names (the
 * RocksDB files of incremental checkpoints in {@code shared/} too) must exist at its recorded
 * size at least. A damaged checkpoint is skipped, loudly, for the newest intact one before it.
 * What this cannot see: a bit flipped inside a state file of the right size (RocksDB finds that
 * when it reads the block, and the job then fails its restore).
 */
public final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private Checkpoints() {}

    /**
     * The most recent intact checkpoint under {@code checkpointDir} (any job), by completion time of
     * its metadata file; null when there is none. Each damaged one newer than it is logged as an
     * error naming what is wrong.
     */
    public static String latest(String checkpointDir) {
        List<Path> all = complete(checkpointDir);
        for (int k = 0; k < all.size(); k++) {
            Path chk = all.get(k);
            Optional<String> damage = damage(chk);
            if (damage.isEmpty()) {
                if (k > 0) {
                    LOG.error(
                            "RESTORING AN OLDER CHECKPOINT: {} ({} newer one(s) damaged). Changelog entries committed after it are "
                                    + "written again: readers see seqs after it repeated",
                            chk,
                            k);
                }
                return chk.toString();
            }
            LOG.error("DAMAGED CHECKPOINT {}: {}; trying the one before it", chk, damage.get());
        }
        if (!all.isEmpty()) {
            LOG.error("NO INTACT CHECKPOINT under {} ({} damaged)", checkpointDir, all.size());
        }
        return null;
    }

    /** Every checkpoint with a metadata file under {@code checkpointDir}, newest first. */
    public static List<Path> complete(String checkpointDir) {
        try {
            Path root = new Path(checkpointDir);
            FileSystem fs = root.getFileSystem();
            if (!fs.exists(root)) {
                return List.of();
            }
            record Found(Path chk, long time) {}
            List<Found> found = new ArrayList<>();
            for (FileStatus job : listOrEmpty(fs, root)) {
                if (!job.isDir()) {
                    continue;
                }
                for (FileStatus chk : listOrEmpty(fs, job.getPath())) {
                    if (!chk.isDir() || !chk.getPath().getName().startsWith("chk-")) {
                        continue;
                    }
                    Path meta = new Path(chk.getPath(), "_metadata");
                    if (fs.exists(meta)) {
                        found.add(
                                new Found(chk.getPath(), fs.getFileStatus(meta).getModificationTime()));
                    }
                }
            }
            return found.stream()
                    .sorted(Comparator.comparingLong(Found::time).reversed())
                    .map(Found::chk)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints under " + checkpointDir, e);
        }
    }

    /** What is wrong with checkpoint {@code chk}, or empty when it looks intact. */
    public static Optional<String> damage(Path chk) {
        Path meta = new Path(chk, "_metadata");
        CheckpointMetadata m;
        try (FSDataInputStream in = meta.getFileSystem().open(meta)) {
            m = org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in), Checkpoints.class.getClassLoader(), chk.toString());
        } catch (IOException | RuntimeException e) {
            return Optional.of(meta + " does not parse (" + e + ")");
        }
        int files = 0;
        for (OperatorState op : m.getOperatorStates()) {
            for (OperatorSubtaskState s : op.getStates()) {
                List<StateObject> handles = new ArrayList<>();
                handles.addAll(s.getManagedKeyedState());
                handles.addAll(s.getRawKeyedState());
                handles.addAll(s.getManagedOperatorState());
                handles.addAll(s.getRawOperatorState());
                handles.addAll(s.getInputChannelState());
                handles.addAll(s.getResultSubpartitionState());
                for (StreamStateHandle h :
                        (Iterable<StreamStateHandle>) handles.stream().flatMap(Checkpoints::streams)::iterator) {
                    Optional<Path> p = h.maybeGetPath();
                    if (p.isEmpty()) {
                        continue; // held inline in the metadata
                    }
                    files++;
                    try {
                        FileSystem fs = p.get().getFileSystem();
                        if (!fs.exists(p.get())) {
                            return Optional.of(
                                    "state file " + p.get() + " is missing (operator " + op.getOperatorID() + ")");
                        }
                        long len = fs.getFileStatus(p.get()).getLen();
                        boolean whole = h.getClass() == FileStateHandle.class
                                || h.getClass().getSimpleName().equals("RelativeFileStateHandle");
                        if (whole ? len != h.getStateSize() : len < h.getStateSize()) {
                            return Optional.of("state file " + p.get() + " has " + len
                                    + " bytes, the checkpoint recorded " + h.getStateSize());
                        }
                    } catch (IOException e) {
                        return Optional.of("state file " + p.get() + " cannot be read (" + e + ")");
                    }
                }
            }
        }
        LOG.debug("Checkpoint {}: metadata parses, {} state files present", chk, files);
        return Optional.empty();
    }

    /** The stream handles (files or inline bytes) a state handle stands for. */
    private static Stream<StreamStateHandle> streams(StateObject h) {
        if (h instanceof IncrementalRemoteKeyedStateHandle i) {
            return i.streamSubHandles();
        }
        if (h instanceof KeyGroupsStateHandle k) {
            return Stream.of(k.getDelegateStateHandle());
        }
        if (h instanceof OperatorStreamStateHandle o) {
            return Stream.of(o.getDelegateStateHandle());
        }
        if (h instanceof AbstractChannelStateHandle<?> c) {
            return Stream.of(c.getDelegate());
        }
        if (h instanceof StreamStateHandle s && !(h instanceof ByteStreamStateHandle)) {
            return Stream.of(s);
        }
        return Stream.empty(); // other kinds (changelog backend, inline bytes): nothing on disk to check here
    }

    private static FileStatus[] listOrEmpty(FileSystem fs, Path p) throws IOException {
        FileStatus[] s = fs.listStatus(p);
        return s == null ? new FileStatus[0] : s;
    }
}
