package io.streamrec.model.server;

import io.streamrec.model.multimodal.ModalityVectors;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model server's item content: per modality (text, image, audio, ...), one vector per item
 * index, every vector of a modality of the dimension its first one had.
 */
final class ItemContent {
    /** Modality → item index → vector. */
    final Map<String, Map<Integer, float[]>> vectors = new TreeMap<>();
    /** Modality → its dimension. */
    final Map<String, Integer> dims = new TreeMap<>();

    /**
     * Sets (or replaces) one modality vector of item {@code index} ({@code item} names it in an
     * error). A wrong dimension (against the modality's first vector), NaN or infinity is rejected.
     */
    void set(int index, String item, String modality, float[] vector) {
        Integer d = dims.putIfAbsent(modality, vector.length);
        if (d != null && d != vector.length) {
            throw new IllegalArgumentException(
                    "item " + item + ": " + modality + " vector has dimension " + vector.length + ", expected " + d);
        }
        for (int k = 0; k < vector.length; k++) {
            if (!Float.isFinite(vector[k])) {
                throw new IllegalArgumentException(
                        "item " + item + ": " + modality + " vector has a non-finite value at position " + k);
            }
        }
        vectors.computeIfAbsent(modality, m -> new LinkedHashMap<>()).put(index, vector.clone());
    }

    /** Each modality as a matrix over items 0..{@code numItems} − 1 (rows of items without that modality absent). */
    List<ModalityVectors> modalityVectors(int numItems) {
        List<ModalityVectors> list = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, float[]>> m : vectors.entrySet()) {
            ModalityVectors v = new ModalityVectors(m.getKey(), dims.get(m.getKey()), numItems);
            m.getValue().forEach(v::set);
            list.add(v);
        }
        return list;
    }

    /** The snapshot's part for content: per modality its name, dimension and (item, vector) pairs. */
    void write(DataOutputStream out) throws IOException {
        out.writeInt(dims.size());
        for (Map.Entry<String, Integer> modality : dims.entrySet()) {
            out.writeUTF(modality.getKey());
            out.writeInt(modality.getValue());
            Map<Integer, float[]> byItem = vectors.get(modality.getKey());
            out.writeInt(byItem.size());
            for (Map.Entry<Integer, float[]> v : byItem.entrySet()) {
                out.writeInt(v.getKey());
                for (float x : v.getValue()) {
                    out.writeFloat(x);
                }
            }
        }
    }

    /** Reads what {@link #write} wrote into this (empty) store. */
    void read(DataInputStream in) throws IOException {
        int modalities = in.readInt();
        for (int j = 0; j < modalities; j++) {
            String name = in.readUTF();
            int d = in.readInt();
            dims.put(name, d);
            Map<Integer, float[]> byItem = new LinkedHashMap<>();
            int n = in.readInt();
            for (int k = 0; k < n; k++) {
                int item = in.readInt();
                float[] v = new float[d];
                for (int c = 0; c < d; c++) {
                    v[c] = in.readFloat();
                }
                byItem.put(item, v);
            }
            vectors.put(name, byItem);
        }
    }
}
