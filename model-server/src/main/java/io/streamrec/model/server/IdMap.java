package io.streamrec.model.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * External string ids ↔ dense ints, append-only: an id keeps its index for the life of the model
 * (dense ids never leave the model server).
 */
public final class IdMap {
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> ids = new ArrayList<>();

    /** The id's index, assigning the next one if it is new. */
    public int intern(String id) {
        Integer i = index.get(id);
        if (i != null) {
            return i;
        }
        int n = ids.size();
        index.put(id, n);
        ids.add(id);
        return n;
    }

    /** The id's index, or -1. */
    public int get(String id) {
        Integer i = index.get(id);
        return i == null ? -1 : i;
    }

    public String id(int index) {
        return ids.get(index);
    }

    public int size() {
        return ids.size();
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    static IdMap read(DataInputStream in) throws IOException {
        IdMap m = new IdMap();
        int n = in.readInt();
        for (int k = 0; k < n; k++) {
            m.intern(in.readUTF());
        }
        return m;
    }
}
