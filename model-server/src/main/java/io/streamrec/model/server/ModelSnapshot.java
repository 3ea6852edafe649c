package io.streamrec.model.server;

import io.streamrec.model.lightgcn.LightGcnTrainer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The model server's snapshot of an {@link IncrementalModel}: its binary format (ids, adjacency,
 * content vectors, E⁽⁰⁾ and Adam's moments, a served graph-fusion model's parameters), written
 * atomically with checksums, verified and read back. A damaged or truncated snapshot is an error
 * that names the file.
 */
public final class ModelSnapshot {
    private ModelSnapshot() {}

    /** 2: Adam's moments follow the table (1: none; read as moments starting afresh). */
    private static final int SNAPSHOT_FORMAT = 2;

    /**
     * Writes {@code m}'s state to {@code dir} atomically: a temporary directory, with a CRC-32C and
     * size of every file in {@value #CHECKSUMS}, renamed into place once complete, with {@code
     * extra} properties files beside it (e.g. the changelog positions). The snapshot it replaces is
     * kept as {@code <dir>.prev} ({@link #previous}), the fallback when this one is found damaged.
     */
    static void save(IncrementalModel m, Path dir, Map<String, Properties> extra) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".tmp-");
        for (Map.Entry<String, Properties> e : extra.entrySet()) {
            try (var out = Files.newOutputStream(tmp.resolve(e.getKey()))) {
                e.getValue().store(out, "streamrec model server snapshot");
            }
        }
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp.resolve("state.bin"))))) {
            out.writeInt(SNAPSHOT_FORMAT);
            out.writeLong(m.version);
            out.writeLong(m.throughSeq);
            out.writeInt(m.settings.dim());
            m.graph.write(out);
            m.content.write(out);
            out.writeInt(m.lastUsers);
            out.writeInt(m.lastItems);
            int rows = m.table == null ? 0 : m.table.length;
            out.writeInt(rows);
            for (int k = 0; k < rows; k++) {
                out.writeFloat(m.table[k]);
            }
            boolean withAdam = m.adam != null && m.table != null && m.adam.m.length == rows;
            out.writeBoolean(withAdam);
            if (withAdam) {
                out.writeLong(m.adam.t);
                for (int k = 0; k < rows; k++) {
                    out.writeFloat(m.adam.m[k]);
                }
                for (int k = 0; k < rows; k++) {
                    out.writeFloat(m.adam.v[k]);
                }
            }
        }
        if (m.graphParams != null) { // the served graph-fusion model's other parameters
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp.resolve(GRAPH_PARAMS))))) {
                out.writeInt(m.graphParamUsers);
                out.writeInt(m.graphParams.size());
                for (Map.Entry<String, float[]> e : m.graphParams.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (float x : e.getValue()) {
                        out.writeFloat(x);
                    }
                }
            }
        }
        writeChecksums(tmp);
        Path prev = previous(dir);
        if (Files.exists(
                dir)) { // a crash from here on leaves dir or prev complete (load reads prev when dir is missing)
            deleteTree(prev);
            Files.move(dir, prev, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(
                parent.resolve(dir.getFileName() + ".old")); // what builds before 2026-12-07 left between their renames
    }

    /** The file in a snapshot with a served graph-fusion model's parameters besides E⁽⁰⁾. */
    static final String GRAPH_PARAMS = "graph-params.bin";

    /** The file in a snapshot that holds the CRC-32C and size of each of its other files. */
    static final String CHECKSUMS = "checksums.properties";

    /** Where {@link #save} keeps the snapshot it replaced. */
    public static Path previous(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".prev");
    }

    private static void writeChecksums(Path snapshot) throws IOException {
        Properties sums = new Properties();
        try (var files = Files.list(snapshot)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                sums.setProperty(f.getFileName().toString(), checksum(f));
            }
        }
        try (var out = Files.newOutputStream(snapshot.resolve(CHECKSUMS))) {
            sums.store(out, "CRC-32C and size in bytes of each file of this snapshot");
        }
    }

    private static String checksum(Path f) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        long size = 0;
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
                size += n;
            }
        }
        return String.format("%08x %d", crc.getValue(), size);
    }

    /**
     * Checks every file of a snapshot against its {@value #CHECKSUMS}.
     *
     * @return false when the snapshot has no checksums (written by a build before they existed)
     * @throws IOException naming the first file that is missing, truncated or changed
     */
    public static boolean verify(Path dir) throws IOException {
        Path f = dir.resolve(CHECKSUMS);
        if (!Files.exists(f)) {
            return false;
        }
        Properties sums = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            sums.load(in);
        }
        if (!sums.containsKey("state.bin")) {
            throw new IOException(f + ": lists no state.bin (damaged)");
        }
        for (String name : new TreeSet<>(sums.stringPropertyNames())) {
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                throw new IOException(file + ": missing from the snapshot");
            }
            String want = sums.getProperty(name);
            String got = checksum(file);
            if (!got.equals(want)) {
                throw new IOException(file + ": damaged (CRC-32C and size " + got + ", written as " + want + ")");
            }
        }
        return true;
    }

    /**
     * Reads a {@link #save}d state from exactly {@code dir} (the caller chooses between it and
     * {@link #previous}), after {@link #verify}ing its checksums; a missing or damaged snapshot is an
     * error naming the file.
     */
    public static IncrementalModel load(Path dir, IncrementalModel.Settings settings) throws IOException {
        Path file = dir.resolve("state.bin");
        verify(dir);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int format = in.readInt();
            if (format != SNAPSHOT_FORMAT && format != 1) {
                throw new IOException(
                        file + ": snapshot format " + format + ", this build reads 1 to " + SNAPSHOT_FORMAT);
            }
            long version = in.readLong();
            long through = in.readLong();
            int dim = in.readInt();
            if (dim != settings.dim()) {
                throw new IOException(
                        file + ": snapshot has dimension " + dim + ", the server is configured for " + settings.dim());
            }
            UserItemGraph graph = UserItemGraph.read(in);
            ItemContent content = new ItemContent();
            content.read(in);
            IncrementalModel m = new IncrementalModel(settings, graph, content);
            m.lastUsers = in.readInt();
            m.lastItems = in.readInt();
            int rows = in.readInt();
            m.table = rows == 0 ? null : new float[rows];
            for (int k = 0; k < rows; k++) {
                m.table[k] = in.readFloat();
            }
            if (format >= 2 && in.readBoolean()) {
                long t = in.readLong();
                float[] am = new float[rows];
                float[] av = new float[rows];
                for (int k = 0; k < rows; k++) {
                    am[k] = in.readFloat();
                }
                for (int k = 0; k < rows; k++) {
                    av[k] = in.readFloat();
                }
                m.adam = new LightGcnTrainer.AdamState(am, av, t);
            }
            m.version = version;
            m.throughSeq = through;
            Path gp = dir.resolve(GRAPH_PARAMS);
            if (Files.exists(gp)) {
                try (DataInputStream g = new DataInputStream(new BufferedInputStream(Files.newInputStream(gp)))) {
                    m.graphParamUsers = g.readInt();
                    int n = g.readInt();
                    m.graphParams = new LinkedHashMap<>();
                    for (int k = 0; k < n; k++) {
                        String name = g.readUTF();
                        float[] v = new float[g.readInt()];
                        for (int c = 0; c < v.length; c++) {
                            v[c] = g.readFloat();
                        }
                        m.graphParams.put(name, v);
                    }
                }
            }
            return m;
        } catch (EOFException e) {
            throw new IOException(file + ": snapshot is truncated", e);
        } catch (RuntimeException e) { // a damaged snapshot without checksums: e.g. a length read as garbage
            throw new IOException(file + ": snapshot is damaged (" + e + ")", e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
