package io.streamrec.model.data;

import java.nio.file.Path;

/** A data file that cannot be read: names the file, the 1-based line and what is wrong. */
public final class DatasetFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final long line;

    public DatasetFormatException(Path file, long line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is with the file as a whole. */
    public long line() {
        return line;
    }
}
