package io.streamrec.model.data;

import java.util.Arrays;

/**
 * An offline split of user-item interactions with dense 0-based ids: per user, the sorted,
 * de-duplicated items of the train, validation and test parts.
 *
 * <p>Only {@link #train()} builds the training graph. Ranking excludes train + validation
 * ({@link #seen(int)}); the test part is what is ranked for.
 */
public final class InteractionData {
    private static final int[] NONE = new int[0];

    private final String name;
    private final int numUsers;
    private final int numItems;
    private final int[][] train;
    private final int[][] validation;
    private final int[][] test;
    private final int[][] seen;

    public InteractionData(String name, int numUsers, int numItems, int[][] train, int[][] validation, int[][] test) {
        this.name = name;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.train = normalise(train, numUsers);
        this.validation = normalise(validation, numUsers);
        this.test = normalise(test, numUsers);
        this.seen = new int[numUsers][];
        for (int u = 0; u < numUsers; u++) {
            seen[u] = union(this.train[u], this.validation[u]);
        }
    }

    public String name() {
        return name;
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    /** Items per user in the training part (sorted, unique). */
    public int[][] train() {
        return train;
    }

    public int[][] validation() {
        return validation;
    }

    public int[][] test() {
        return test;
    }

    /** Train + validation items of user {@code u}, sorted: excluded from ranking. */
    public int[] seen(int u) {
        return seen[u];
    }

    public long trainInteractions() {
        return count(train);
    }

    public long validationInteractions() {
        return count(validation);
    }

    public long testInteractions() {
        return count(test);
    }

    /** A copy that ranks for the validation part instead of the test part (model selection). */
    public InteractionData validationAsTest() {
        return new InteractionData(name + "/validation", numUsers, numItems, train, new int[numUsers][], validation);
    }

    @Override
    public String toString() {
        return String.format(
                "%s: %d users, %d items, train %d / validation %d / test %d interactions",
                name, numUsers, numItems, trainInteractions(), validationInteractions(), testInteractions());
    }

    private static long count(int[][] parts) {
        long n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        return n;
    }

    private static int[][] normalise(int[][] lists, int numUsers) {
        int[][] out = new int[numUsers][];
        for (int u = 0; u < numUsers; u++) {
            int[] items = lists != null && u < lists.length && lists[u] != null ? lists[u].clone() : NONE;
            Arrays.sort(items);
            out[u] = dedupSorted(items);
        }
        return out;
    }

    static int[] dedupSorted(int[] sorted) {
        if (sorted.length < 2) {
            return sorted;
        }
        int n = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }

    static int[] union(int[] a, int[] b) {
        if (b.length == 0) {
            return a;
        }
        if (a.length == 0) {
            return b;
        }
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        return dedupSorted(all);
    }
}
