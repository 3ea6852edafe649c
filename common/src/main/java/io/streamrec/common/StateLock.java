package io.streamrec.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time per state directory: an OS file lock on {@code DIR/.lock}, which also
 * holds the owner's pid and command for the message a second process gets. The OS releases the
 * lock when the owner exits, however it exits (SIGKILL included), so a stale file never blocks a
 * restart; only a live owner does.
 */
public final class StateLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code dir} (made if missing) or fails at once.
     *
     * @param what what holds it, for the message ("the model server", "the pipeline")
     * @param option the option that names the directory ({@code --dir}), for the message
     * @throws IllegalStateException when another live process holds it: names the directory and that process
     */
    public static StateLock acquire(Path dir, String what, String option) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM already holds it
        }
        if (lock == null) {
            String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            ch.close();
            throw new IllegalStateException("state directory " + dir.toAbsolutePath() + " is in use by another process"
                    + (owner.isEmpty() ? "" : " (" + owner + ")")
                    + ": stop it first, or give this one another directory with " + option);
        }
        ProcessHandle self = ProcessHandle.current();
        String owner = "pid " + self.pid() + ", " + what
                + (self.info().startInstant().map(t -> ", since " + t).orElse(""));
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((owner + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new StateLock(file, ch, lock);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
