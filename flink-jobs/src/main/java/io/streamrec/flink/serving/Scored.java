package io.streamrec.flink.serving;

/**
 * The prequential score of one interaction: where the served model ranked the item among the
 * items the user had not interacted with, before it learned the interaction. A Flink POJO.
 */
public class Scored {
  public long version;
  /** 1-based rank among the candidates; 0 when the served model does not know the item (a miss). */
  public int rank;
  public long eventTime;

  public Scored() {}

  public Scored(long version, int rank, long eventTime) {
    this.version = version;
    this.rank = rank;
    this.eventTime = eventTime;
  }
}
