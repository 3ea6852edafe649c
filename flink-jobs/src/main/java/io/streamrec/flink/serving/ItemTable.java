package io.streamrec.flink.serving;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The item vectors of one model version, in arrival order: growing while the version's records
 * arrive, then committed and only read. Kept in broadcast state (every serving task holds the same
 * tables), so a checkpoint carries both the served versions and a version half read. A Flink POJO.
 */
public class ItemTable {
  public long version;
  public int dim;
  public int size;
  public String[] ids = new String[0];
  /** size × dim, row-major. */
  public float[] data = new float[0];
  /** When the trigger of this version was made (from its COMMIT). */
  public long triggerTime;
  /** Mean item vector: scores a user the model has never seen who has no known items yet. */
  public float[] centroid = new float[0];
  private transient Map<String, Integer> index;

  public ItemTable() {}

  public ItemTable(long version) {
    this.version = version;
  }

  /** Adds or replaces one item's vector (a repeated key within a version replaces). */
  public void put(String id, float[] vector) {
    if (size == 0 && dim == 0) {
      dim = vector.length;
    }
    if (vector.length != dim) {
      throw new IllegalArgumentException("item " + id + " of version " + version + " has " + vector.length
          + " dimensions, the version's others " + dim);
    }
    Integer at = index().get(id);
    if (at == null) {
      if (size == ids.length) {
        int cap = Math.max(16, size * 2);
        ids = Arrays.copyOf(ids, cap);
        data = Arrays.copyOf(data, cap * dim);
      }
      at = size++;
      ids[at] = id;
      index.put(id, at);
    }
    System.arraycopy(vector, 0, data, at * dim, dim);
  }

  /** Row of an item, or -1. */
  public int indexOf(String id) {
    Integer at = index().get(id);
    return at == null ? -1 : at;
  }

  /** Trims the arrays and computes the centroid: the table is read-only after this. */
  public void commit(long triggerTime) {
    this.triggerTime = triggerTime;
    ids = Arrays.copyOf(ids, size);
    data = Arrays.copyOf(data, size * dim);
    centroid = new float[dim];
    for (int i = 0; i < size; i++) {
      for (int d = 0; d < dim; d++) {
        centroid[d] += data[i * dim + d];
      }
    }
    for (int d = 0; d < dim && size > 0; d++) {
      centroid[d] /= size;
    }
  }

  /** Scores of every item for a user vector (dot products). */
  public float[] scores(float[] user) {
    float[] s = new float[size];
    for (int i = 0; i < size; i++) {
      float acc = 0;
      int o = i * dim;
      for (int d = 0; d < dim; d++) {
        acc += user[d] * data[o + d];
      }
      s[i] = acc;
    }
    return s;
  }

  private Map<String, Integer> index() {
    if (index == null) {
      index = new HashMap<>(Math.max(16, size * 2));
      for (int i = 0; i < size; i++) {
        index.put(ids[i], i);
      }
    }
    return index;
  }
}
