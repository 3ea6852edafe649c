package io.streamrec.serving;

import java.util.Arrays;

/**
 * Everything serving keeps about one user, as one value (one state read and one write per event):
 * the user's items as a sorted set of 64-bit keys (seen-item exclusion, kept up to date as edges
 * arrive), the user's vectors of the two newest model versions it has, the items taken since the
 * newest vector arrived (what fold-in adds), and a running sum of the vectors that placement folds
 * in, valid for one item table ({@link ServingCore#place}). Plain fields, so a serializer can write it.
 */
public final class UserState {
    static final long[] NO_KEYS = new long[0];

    /** Sorted keys of the user's items; the first {@code seenCount} are used. */
    public long[] seen = NO_KEYS;

    public int seenCount;
    /** Keys of items added since the newest vector arrived, in arrival order. */
    public long[] since = NO_KEYS;

    public int sinceCount;
    /** The newest vector the user has (version 0: none), and the one before it. */
    public long newestVersion;

    public float[] newest;
    public long olderVersion;
    public float[] older;
    /** How many items the user had when the newest vector arrived (what that vector stands for). */
    public int itemsAtVector;
    /** The placement sum: valid for table {@code sumTable} (0: invalid) and basis vector {@code sumBasis} (0: unknown user). */
    public long sumTable;

    public long sumBasis;
    public float[] sum;
    public int sumCount;

    public boolean hasSeen(long key) {
        return Arrays.binarySearch(seen, 0, seenCount, key) >= 0;
    }

    public boolean hasVector() {
        return newest != null;
    }

    /** The user's vector of exactly {@code version}, or null. */
    public float[] vector(long version) {
        if (version == newestVersion && newest != null) {
            return newest;
        }
        return version == olderVersion ? older : null;
    }

    /**
     * The user's vector in a delta {@code version}: the newest one published at or before it (a delta
     * publishes only the users that moved, so a user without a record in it keeps its earlier
     * vector); null when none of the kept vectors is that old.
     */
    public float[] vectorAtOrBefore(long version) {
        if (newest != null && newestVersion <= version) {
            return newest;
        }
        return older != null && olderVersion <= version ? older : null;
    }

    /** Records a new edge to {@code key}; {@code table}, when not null, is the table the last placement was for. */
    public void added(long key, ItemTable table) {
        int at = Arrays.binarySearch(seen, 0, seenCount, key);
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (seenCount == seen.length) {
            seen = Arrays.copyOf(seen, Math.max(4, seenCount * 2));
        }
        System.arraycopy(seen, at, seen, at + 1, seenCount - at);
        seen[at] = key;
        seenCount++;
        if (newest != null) {
            if (sinceCount == since.length) {
                since = Arrays.copyOf(since, Math.max(4, sinceCount * 2));
            }
            since[sinceCount++] = key;
        }
        if (table != null && sumTable == table.version() && sum != null) {
            int row = table.row(key);
            if (row >= 0) {
                table.addTo(row, sum);
                sumCount++;
            }
        } else {
            sumTable = 0;
        }
    }

    /** Records a removed edge. */
    public void removed(long key) {
        int at = Arrays.binarySearch(seen, 0, seenCount, key);
        if (at < 0) {
            return;
        }
        System.arraycopy(seen, at + 1, seen, at, seenCount - at - 1);
        seenCount--;
        boolean wasSince = false;
        for (int i = 0; i < sinceCount; i++) {
            if (since[i] == key) {
                System.arraycopy(since, i + 1, since, i, sinceCount - i - 1);
                sinceCount--;
                wasSince = true;
                break;
            }
        }
        if (!wasSince && itemsAtVector > 0) {
            itemsAtVector--;
        }
        sumTable = 0;
    }

    /** Keeps a user vector of {@code version}: the two newest versions are kept; a newer one restarts fold-in. */
    public void vectorArrived(long version, float[] vector) {
        if (version > newestVersion) {
            if (newest != null) {
                olderVersion = newestVersion;
                older = newest;
            }
            newestVersion = version;
            newest = vector;
            itemsAtVector = seenCount;
            since = NO_KEYS;
            sinceCount = 0;
            sumTable = 0;
        } else if (version == newestVersion) {
            newest = vector;
            sumTable = 0;
        } else if (version >= olderVersion) {
            olderVersion = version;
            older = vector;
            sumTable = 0;
        }
    }
}
