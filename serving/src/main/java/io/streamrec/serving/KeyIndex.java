package io.streamrec.serving;

import java.util.Arrays;

/** Open-addressing map from a non-zero 64-bit item key to a row; primitive arrays only. */
final class KeyIndex {
    private long[] keys;
    private int[] rows;
    private int size;

    KeyIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        rows = new int[cap];
    }

    /** Row of a key, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return rows[i];
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    /** Adds a key that is not present yet. */
    void put(long key, int row) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, rows, key, row);
        size++;
    }

    int size() {
        return size;
    }

    private static void insert(long[] keys, int[] rows, long key, int row) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        rows[i] = row;
    }

    private void grow() {
        long[] k = new long[keys.length * 2];
        int[] r = new int[keys.length * 2];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                insert(k, r, keys[i], rows[i]);
            }
        }
        keys = k;
        rows = r;
    }

    private static int mix(long key) {
        return (int) (key ^ (key >>> 32));
    }

    long bytes() {
        return keys.length * 12L;
    }

    @Override
    public String toString() {
        return "KeyIndex" + Arrays.toString(new int[] {size, keys.length});
    }
}
