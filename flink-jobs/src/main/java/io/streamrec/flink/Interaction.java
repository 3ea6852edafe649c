package io.streamrec.flink;

/**
 * An accepted interaction inside the graph job (external ids; never dense ids). A Flink POJO:
 * public fields, no-arg constructor.
 */
public final class Interaction {
  public String user;
  public String item;
  /** true for a {@code remove} event. */
  public boolean remove;
  public float weight;
  public long time;

  public Interaction() {}

  public Interaction(String user, String item, boolean remove, float weight, long time) {
    this.user = user;
    this.item = item;
    this.remove = remove;
    this.weight = weight;
    this.time = time;
  }

  @Override
  public String toString() {
    return (remove ? "remove " : "add ") + user + "->" + item + " w=" + weight + " t=" + time;
  }
}
