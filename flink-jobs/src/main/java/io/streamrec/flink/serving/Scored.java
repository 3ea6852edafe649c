package io.streamrec.flink.serving;

/**
 * The prequential score of one interaction: where the served model ranked the item among the
 * items the user had not interacted with, before it learned the interaction, and (when the version
 * serves top-K from an HNSW index) how many of the exact top-K the index returned. A Flink POJO.
 */
public class Scored {
  public long version;
  /** 1-based rank among the candidates; 0 when the served model does not know the item (a miss). */
  public int rank;
  public long eventTime;
  /** Recall@K of the HNSW top-K against the exact top-K for this event's query; negative when not measured. */
  public float annRecall = -1;

  public Scored() {}

  public Scored(long version, int rank, long eventTime) {
    this.version = version;
    this.rank = rank;
    this.eventTime = eventTime;
  }

  public Scored(long version, int rank, long eventTime, float annRecall) {
    this(version, rank, eventTime);
    this.annRecall = annRecall;
  }
}
