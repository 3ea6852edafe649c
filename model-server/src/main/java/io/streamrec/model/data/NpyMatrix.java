package io.streamrec.model.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 2-D NumPy {@code .npy} matrix (float32 or float64, little-endian, C order), read into
 * float32 rows. Anything else is refused with a message naming the file and what is wrong.
 */
public final class NpyMatrix {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\s*,?\\)");

    private final int rows;
    private final int cols;
    private final float[] data;

    private NpyMatrix(int rows, int cols, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public static NpyMatrix read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, file);
            head.flip();
            byte[] magic = new byte[6];
            head.get(magic);
            if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
                throw new DatasetFormatException(file, 0, "not a .npy file (bad magic)");
            }
            int major = head.get() & 0xff;
            head.get();
            int headerLen;
            if (major == 1) {
                headerLen = head.getShort() & 0xffff;
            } else {
                ByteBuffer more = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, more, file);
                more.flip();
                headerLen = (head.getShort() & 0xffff) | ((more.getShort() & 0xffff) << 16);
            }
            ByteBuffer hb = ByteBuffer.allocate(headerLen);
            readFully(ch, hb, file);
            String header = new String(hb.array(), StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher o = ORDER.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !o.find() || !s.find()) {
                throw new DatasetFormatException(file, 0, "expected a 2-D matrix, header is " + header.trim());
            }
            if (o.group(1).equals("True")) {
                throw new DatasetFormatException(
                        file, 0, "Fortran-order arrays are not supported (save with np.ascontiguousarray)");
            }
            String descr = d.group(1);
            int width = switch (descr) {
                case "<f4" -> 4;
                case "<f8" -> 8;
                default ->
                    throw new DatasetFormatException(
                            file, 0, "dtype " + descr + " is not float32 or float64 (little-endian)");
            };
            long rows = Long.parseLong(s.group(1));
            long cols = Long.parseLong(s.group(2));
            if (rows * cols > Integer.MAX_VALUE - 8) {
                throw new DatasetFormatException(file, 0, "" + rows + "x" + cols + " is too large");
            }
            ByteBuffer body = ByteBuffer.allocate((int) (rows * cols * width)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, body, file);
            body.flip();
            float[] out = new float[(int) (rows * cols)];
            for (int k = 0; k < out.length; k++) {
                out[k] = width == 4 ? body.getFloat() : (float) body.getDouble();
            }
            return new NpyMatrix((int) rows, (int) cols, out);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new DatasetFormatException(
                        file, 0, "truncated (" + b.position() + " of " + b.capacity() + " bytes of a block)");
            }
        }
    }

    /**
     * Writes {@code rows} (each {@code cols} long, or null for a zero row) as a float32 .npy
     * matrix, atomically (temporary file, then rename).
     */
    public static void write(Path file, float[][] rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + rows.length * cols * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] r : rows) {
            for (int c = 0; c < cols; c++) {
                b.putFloat(r == null ? 0f : r[c]);
            }
        }
        b.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** A copy of row {@code r}. */
    public float[] row(int r) {
        float[] out = new float[cols];
        System.arraycopy(data, r * cols, out, 0, cols);
        return out;
    }
}
