package io.streamrec.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the two offline formats streamrec trains on. Ids are dense, 0-based integers in both.
 *
 * <ul>
 *   <li>Adjacency lists (LightGCN / DbBook / Gowalla): a directory with {@code train.txt},
 *       optional {@code validation.txt}, and {@code test.txt}; one line per user:
 *       {@code user item item ...}, separated by spaces or tabs.
 *   <li>MMRec {@code .inter}: one TSV file with a header naming the user, item and
 *       {@code x_label} columns (RecBole-style {@code :token} suffixes allowed); x_label 0 =
 *       train, 1 = validation, 2 = test.
 * </ul>
 *
 * Anything malformed fails with a {@link DatasetFormatException} naming file, line and reason.
 */
public final class DatasetLoader {
    /** Largest id accepted: keeps U + I and U·d indexing inside int range. */
    public static final int MAX_ID = 50_000_000;

    private DatasetLoader() {}

    /** Loads a dataset directory (adjacency lists) or a single {@code .inter} file / a directory holding one. */
    public static InteractionData load(Path location) {
        if (!Files.exists(location)) {
            throw new DatasetFormatException(location, 0, "no such file or directory");
        }
        if (Files.isRegularFile(location)) {
            if (location.getFileName().toString().endsWith(".inter")) {
                return readInter(location);
            }
            throw new DatasetFormatException(
                    location, 0, "expected a directory with train.txt/test.txt or a .inter file");
        }
        Path train = location.resolve("train.txt");
        if (Files.isRegularFile(train)) {
            Path test = location.resolve("test.txt");
            if (!Files.isRegularFile(test)) {
                throw new DatasetFormatException(
                        test, 0, "missing: an adjacency-list dataset needs train.txt and test.txt");
            }
            Path validation = location.resolve("validation.txt");
            int[][][] parts = new int[3][][];
            int[] maxIds = {-1, -1};
            parts[0] = readAdjacencyList(train, maxIds);
            parts[1] = Files.isRegularFile(validation) ? readAdjacencyList(validation, maxIds) : new int[0][];
            parts[2] = readAdjacencyList(test, maxIds);
            return new InteractionData(
                    location.getFileName().toString(), maxIds[0] + 1, maxIds[1] + 1, parts[0], parts[1], parts[2]);
        }
        try (Stream<Path> files = Files.list(location)) {
            List<Path> inter = files.filter(p -> p.getFileName().toString().endsWith(".inter"))
                    .sorted()
                    .toList();
            if (inter.size() == 1) {
                return readInter(inter.get(0));
            }
            throw new DatasetFormatException(
                    location,
                    0,
                    inter.isEmpty()
                            ? "no train.txt and no .inter file: not a dataset directory"
                            : "more than one .inter file, name one: " + inter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one adjacency-list file into per-user item arrays. {@code maxIds} ({max user, max
     * item}) is widened with what this file contains.
     */
    public static int[][] readAdjacencyList(Path file, int[] maxIds) {
        List<int[]> byUser = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            int[] buf = new int[64];
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int n = 0;
                int pos = 0;
                int len = line.length();
                while (pos < len) {
                    while (pos < len && isSep(line.charAt(pos))) {
                        pos++;
                    }
                    if (pos >= len) {
                        break;
                    }
                    int start = pos;
                    while (pos < len && !isSep(line.charAt(pos))) {
                        pos++;
                    }
                    if (n == buf.length) {
                        buf = Arrays.copyOf(buf, n * 2);
                    }
                    buf[n++] = parseId(line, start, pos, file, lineNo, n == 0 ? "user" : "item");
                }
                int user = buf[0];
                int[] items = Arrays.copyOfRange(buf, 1, n);
                while (byUser.size() <= user) {
                    byUser.add(null);
                }
                int[] prev = byUser.get(user);
                if (prev != null) {
                    throw new DatasetFormatException(file, lineNo, "user " + user + " appears on more than one line");
                }
                byUser.set(user, items);
                maxIds[0] = Math.max(maxIds[0], user);
                for (int i = 0; i < items.length; i++) {
                    maxIds[1] = Math.max(maxIds[1], items[i]);
                }
            }
        } catch (IOException e) {
            throw new DatasetFormatException(file, 0, "cannot read: " + e.getMessage());
        }
        return byUser.toArray(new int[0][]);
    }

    /** Reads an MMRec {@code .inter} TSV file. */
    public static InteractionData readInter(Path file) {
        List<long[]> rows = new ArrayList<>();
        int userCol = -1;
        int itemCol = -1;
        int labelCol = -1;
        int maxUser = -1;
        int maxItem = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new DatasetFormatException(
                        file, 1, "empty file: expected a header with user, item and x_label columns");
            }
            String[] names = header.split("\t", -1);
            for (int c = 0; c < names.length; c++) {
                String n = names[c].toLowerCase().replaceAll(":.*$", "").replace("_", "");
                if (n.equals("userid") || n.equals("user")) {
                    userCol = c;
                } else if (n.equals("itemid") || n.equals("item")) {
                    itemCol = c;
                } else if (n.equals("xlabel")) {
                    labelCol = c;
                }
            }
            if (userCol < 0 || itemCol < 0 || labelCol < 0) {
                throw new DatasetFormatException(
                        file, 1, "header must name userID, itemID and x_label columns (tab-separated), got: " + header);
            }
            String line;
            long lineNo = 1;
            int need = Math.max(userCol, Math.max(itemCol, labelCol)) + 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < need) {
                    throw new DatasetFormatException(
                            file, lineNo, "expected at least " + need + " tab-separated columns, found " + f.length);
                }
                int u = parseId(f[userCol], 0, f[userCol].length(), file, lineNo, "user");
                int i = parseId(f[itemCol], 0, f[itemCol].length(), file, lineNo, "item");
                String l = f[labelCol].trim();
                int label = switch (l) {
                    case "0" -> 0;
                    case "1" -> 1;
                    case "2" -> 2;
                    default ->
                        throw new DatasetFormatException(
                                file, lineNo, "x_label must be 0 (train), 1 (validation) or 2 (test), got '" + l + "'");
                };
                rows.add(new long[] {u, i, label});
                maxUser = Math.max(maxUser, u);
                maxItem = Math.max(maxItem, i);
            }
        } catch (IOException e) {
            throw new DatasetFormatException(file, 0, "cannot read: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new DatasetFormatException(file, 0, "no interactions");
        }
        int[][] counts = new int[3][maxUser + 1];
        for (long[] r : rows) {
            counts[(int) r[2]][(int) r[0]]++;
        }
        int[][][] parts = new int[3][maxUser + 1][];
        for (int p = 0; p < 3; p++) {
            for (int u = 0; u <= maxUser; u++) {
                parts[p][u] = new int[counts[p][u]];
            }
        }
        int[][] fill = new int[3][maxUser + 1];
        for (long[] r : rows) {
            int p = (int) r[2];
            int u = (int) r[0];
            parts[p][u][fill[p][u]++] = (int) r[1];
        }
        String name = file.getFileName().toString().replaceFirst("\\.inter$", "");
        return new InteractionData(name, maxUser + 1, maxItem + 1, parts[0], parts[1], parts[2]);
    }

    private static boolean isSep(char c) {
        return c == ' ' || c == '\t';
    }

    private static int parseId(CharSequence s, int from, int to, Path file, long lineNo, String what) {
        int start = from;
        int end = to;
        while (start < end && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw new DatasetFormatException(file, lineNo, "empty " + what + " id");
        }
        long v = 0;
        for (int k = start; k < end; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                throw new DatasetFormatException(
                        file, lineNo, what + " id '" + s.subSequence(start, end) + "' is not a non-negative integer");
            }
            v = v * 10 + (c - '0');
            if (v > MAX_ID) {
                throw new DatasetFormatException(
                        file, lineNo, what + " id " + s.subSequence(start, end) + " exceeds the maximum " + MAX_ID);
            }
        }
        return (int) v;
    }
}
