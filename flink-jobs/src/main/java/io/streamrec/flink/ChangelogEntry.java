package io.streamrec.flink;

/**
 * One record for the edge changelog topic: a sequenced edge change or a CUT marker, with the
 * partition it must go to (edges by user, markers to every partition).
 */
public final class ChangelogEntry {
  public static final byte ADDED = 0;
  public static final byte REMOVED = 1;
  public static final byte CUT = 2;

  public byte kind;
  public long seq;
  public String user;
  public String item;
  public float weight;
  public long time;
  public int itemDegree;
  public long triggerId;
  public int partition;

  public ChangelogEntry() {}

  static ChangelogEntry edge(EdgeChange c, long seq, int partition) {
    ChangelogEntry e = new ChangelogEntry();
    e.kind = c.added ? ADDED : REMOVED;
    e.seq = seq;
    e.user = c.user;
    e.item = c.item;
    e.weight = c.weight;
    e.time = c.time;
    e.itemDegree = c.itemDegree;
    e.partition = partition;
    return e;
  }

  static ChangelogEntry cut(long throughSeq, long triggerId, long time, int partition) {
    ChangelogEntry e = new ChangelogEntry();
    e.kind = CUT;
    e.seq = throughSeq;
    e.user = "";
    e.item = "";
    e.time = time;
    e.triggerId = triggerId;
    e.partition = partition;
    return e;
  }
}
