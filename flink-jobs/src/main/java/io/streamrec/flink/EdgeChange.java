package io.streamrec.flink;

/** A real change of the user-item graph, between the user-keyed and item-keyed stages. */
public final class EdgeChange {
  public String user;
  public String item;
  public boolean added;
  public float weight;
  public long time;
  /** Set by the item-keyed stage: the item's degree after this change. */
  public int itemDegree;

  public EdgeChange() {}

  public EdgeChange(String user, String item, boolean added, float weight, long time) {
    this.user = user;
    this.item = item;
    this.added = added;
    this.weight = weight;
    this.time = time;
  }

  @Override
  public String toString() {
    return (added ? "+" : "-") + user + "->" + item + " w=" + weight + " deg=" + itemDegree;
  }
}
