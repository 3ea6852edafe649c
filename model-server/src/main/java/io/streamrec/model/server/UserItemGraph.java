package io.streamrec.model.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model server's user–item graph under dense ids: each user's items (unsorted, no repeats),
 * the edge count, and the edges added since the last version (what the next version trains on
 * first). Ids are interned on first sight and never reused.
 */
final class UserItemGraph {
    final IdMap users;
    final IdMap items;
    /** Per user: item indices in the first {@code degrees.get(u)} slots, unsorted, no repeats. */
    private final List<int[]> adjacency;

    private final List<Integer> degrees;
    /** (user << 32 | item) pairs added since the last version, in arrival order. */
    private long[] recent = new long[1024];

    private int recentCount;
    private long edges;

    UserItemGraph() {
        this(new IdMap(), new IdMap(), new ArrayList<>(), new ArrayList<>());
    }

    private UserItemGraph(IdMap users, IdMap items, List<int[]> adjacency, List<Integer> degrees) {
        this.users = users;
        this.items = items;
        this.adjacency = adjacency;
        this.degrees = degrees;
    }

    /** Adds the user–item edge (a repeat is a no-op); returns whether it was new. */
    boolean addEdge(String user, String item) {
        int u = users.intern(user);
        int i = items.intern(item);
        while (adjacency.size() <= u) {
            adjacency.add(new int[4]);
            degrees.add(0);
        }
        int[] list = adjacency.get(u);
        int n = degrees.get(u);
        for (int k = 0; k < n; k++) {
            if (list[k] == i) {
                return false;
            }
        }
        if (n == list.length) {
            list = Arrays.copyOf(list, n * 2);
            adjacency.set(u, list);
        }
        list[n] = i;
        degrees.set(u, n + 1);
        edges++;
        if (recentCount == recent.length) {
            recent = Arrays.copyOf(recent, recentCount * 2);
        }
        recent[recentCount++] = ((long) u << 32) | i;
        return true;
    }

    /** Removes the edge if present; returns whether it was. */
    boolean removeEdge(String user, String item) {
        int u = users.get(user);
        int i = items.get(item);
        if (u < 0 || i < 0 || u >= adjacency.size()) {
            return false;
        }
        int[] list = adjacency.get(u);
        int n = degrees.get(u);
        for (int k = 0; k < n; k++) {
            if (list[k] == i) {
                list[k] = list[n - 1];
                degrees.set(u, n - 1);
                edges--;
                return true;
            }
        }
        return false;
    }

    long edges() {
        return edges;
    }

    int numUsers() {
        return users.size();
    }

    int numItems() {
        return items.size();
    }

    /** Edges added since the last version (some may have been removed again: {@link #keepPresent}). */
    int pendingEdges() {
        return recentCount;
    }

    /** The (user << 32 | item) pairs added since the last version: the first {@link #pendingEdges} of this array. */
    long[] recent() {
        return recent;
    }

    /** A version has trained on the pending edges. */
    void clearPending() {
        recentCount = 0;
    }

    /** Each user's items, sorted (a copy: what one version trains on). */
    int[][] itemsByUser() {
        int nu = users.size();
        int[][] itemsByUser = new int[nu][];
        for (int u = 0; u < nu; u++) {
            int[] l = u < adjacency.size() ? Arrays.copyOf(adjacency.get(u), degrees.get(u)) : new int[0];
            Arrays.sort(l);
            itemsByUser[u] = l;
        }
        return itemsByUser;
    }

    /**
     * Drops from the pending edges the pairs no longer in the graph (removed since they were
     * added), keeping the others in order; returns how many remain. Once per version, O(new edges ·
     * log degree).
     */
    int keepPresent(int[][] itemsByUser) {
        int kept = 0;
        for (int k = 0; k < recentCount; k++) {
            long e = recent[k];
            int u = (int) (e >>> 32);
            if (u < itemsByUser.length && Arrays.binarySearch(itemsByUser[u], (int) e) >= 0) {
                recent[kept++] = e;
            }
        }
        recentCount = kept;
        return kept;
    }

    /** Every edge of {@code itemsByUser} as a (user << 32 | item) pair. */
    long[] allEdges(int[][] itemsByUser) {
        long[] all = new long[(int) edges];
        int n = 0;
        for (int u = 0; u < itemsByUser.length; u++) {
            for (int i : itemsByUser[u]) {
                all[n++] = ((long) u << 32) | i;
            }
        }
        return Arrays.copyOf(all, n);
    }

    /** The snapshot's part for the graph: ids, each user's items, the pending edges. */
    void write(DataOutputStream out) throws IOException {
        users.write(out);
        items.write(out);
        for (int u = 0; u < users.size(); u++) {
            int n = u < degrees.size() ? degrees.get(u) : 0;
            out.writeInt(n);
            for (int k = 0; k < n; k++) {
                out.writeInt(adjacency.get(u)[k]);
            }
        }
        out.writeInt(recentCount);
        for (int k = 0; k < recentCount; k++) {
            out.writeLong(recent[k]);
        }
    }

    /** Reads what {@link #write} wrote. */
    static UserItemGraph read(DataInputStream in) throws IOException {
        IdMap users = IdMap.read(in);
        IdMap items = IdMap.read(in);
        List<int[]> adjacency = new ArrayList<>();
        List<Integer> degrees = new ArrayList<>();
        UserItemGraph g = new UserItemGraph(users, items, adjacency, degrees);
        for (int u = 0; u < users.size(); u++) {
            int n = in.readInt();
            int[] l = new int[Math.max(4, n)];
            for (int k = 0; k < n; k++) {
                l[k] = in.readInt();
            }
            adjacency.add(l);
            degrees.add(n);
            g.edges += n;
        }
        g.recentCount = in.readInt();
        g.recent = new long[Math.max(1024, g.recentCount)];
        for (int k = 0; k < g.recentCount; k++) {
            g.recent[k] = in.readLong();
        }
        return g;
    }
}
