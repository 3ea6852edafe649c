package io.streamrec.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.SplittableRandom;

/**
 * A generated interaction dataset with learnable structure, for the demo and for tests that
 * must run without the research data: users and items belong to latent topics, users mostly
 * pick items of their own topics, item popularity is Zipf-skewed. Each user's interactions
 * are split 70/10/20 into train, validation and test.
 */
public final class SyntheticInteractions {
    private SyntheticInteractions() {}

    public static InteractionData generate(int numUsers, int numItems, int topics, int perUser, long seed) {
        if (numUsers < 1 || numItems < 2 || topics < 1 || perUser < 1 || perUser >= numItems) {
            throw new IllegalArgumentException("need users >= 1, items >= 2, topics >= 1, 1 <= per-user < items");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] itemsOfTopic = new int[topics][];
        int[] counts = new int[topics];
        int[] topicOf = new int[numItems];
        for (int i = 0; i < numItems; i++) {
            topicOf[i] = i % topics;
            counts[topicOf[i]]++;
        }
        for (int t = 0; t < topics; t++) {
            itemsOfTopic[t] = new int[counts[t]];
            counts[t] = 0;
        }
        for (int i = 0; i < numItems; i++) {
            itemsOfTopic[topicOf[i]][counts[topicOf[i]]++] = i;
        }
        int[][] train = new int[numUsers][];
        int[][] validation = new int[numUsers][];
        int[][] test = new int[numUsers][];
        for (int u = 0; u < numUsers; u++) {
            int main = rng.nextInt(topics);
            int second = rng.nextInt(topics);
            int n = Math.max(3, perUser / 2 + rng.nextInt(perUser + 1));
            n = Math.min(n, numItems / 2);
            LinkedHashSet<Integer> picked = new LinkedHashSet<>();
            while (picked.size() < n) {
                double r = rng.nextDouble();
                int[] pool = r < 0.7 ? itemsOfTopic[main] : r < 0.9 ? itemsOfTopic[second] : null;
                int item = pool == null ? zipf(rng, numItems) : pool[zipf(rng, pool.length)];
                picked.add(item);
            }
            int[] all = picked.stream().mapToInt(Integer::intValue).toArray();
            int nTrain = Math.max(1, (int) Math.round(all.length * 0.7));
            int nVal = (int) Math.round(all.length * 0.1);
            train[u] = Arrays.copyOfRange(all, 0, nTrain);
            validation[u] = Arrays.copyOfRange(all, nTrain, Math.min(all.length, nTrain + nVal));
            test[u] = Arrays.copyOfRange(all, Math.min(all.length, nTrain + nVal), all.length);
        }
        return new InteractionData("synthetic", numUsers, numItems, train, validation, test);
    }

    /** Zipf-like rank in [0, n): popular heads, long tail. */
    private static int zipf(SplittableRandom rng, int n) {
        double x = Math.pow(n + 1.0, rng.nextDouble()) - 1.0;
        return Math.min(n - 1, (int) x);
    }

    /** Writes the dataset as adjacency-list files (train.txt, validation.txt, test.txt) that {@link DatasetLoader} reads. */
    public static void writeAdjacencyLists(InteractionData data, Path dir) {
        try {
            Files.createDirectories(dir);
            write(dir.resolve("train.txt"), data.train());
            write(dir.resolve("validation.txt"), data.validation());
            write(dir.resolve("test.txt"), data.test());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, int[][] lists) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int u = 0; u < lists.length; u++) {
                if (lists[u].length == 0) {
                    continue;
                }
                StringBuilder line = new StringBuilder().append(u);
                for (int i : lists[u]) {
                    line.append(' ').append(i);
                }
                w.write(line.append('\n').toString());
            }
        }
    }
}
