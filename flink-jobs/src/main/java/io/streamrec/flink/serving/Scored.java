package io.streamrec.flink.serving;

/**
 * The prequential score of one interaction: where the served model ranked the item among the
 * items the user had not interacted with, before it learned the interaction, and (when the version
 * serves top-K from an HNSW index) how many of the exact top-K the index returned. Every new edge
 * that reaches serving gives one, ranked or not ({@link #NOT_RANKED}: no version was live yet, its
 * {@code version} then 0, or the event is outside the rank sample), so the metrics count every new
 * edge once, and the ranked ones among them. A ranked event also carries the baselines' ranks of
 * the same item (most-popular, serving's {@code MostPopular}, and a random order of the version's
 * candidates) and, while a previous version is still served, that version's rank of it (the paired
 * comparison). A Flink POJO.
 */
public class Scored {
    /** {@link #rank} of an event that was not ranked. */
    public static final int NOT_RANKED = -1;

    /** The version that served the user; 0: none was live. */
    public long version;
    /** 1-based rank among the candidates; 0 when the served model does not know the item (a miss); {@link #NOT_RANKED}. */
    public int rank;

    public long eventTime;
    /** Recall@K of the HNSW top-K against the exact top-K for this event's query; negative when not measured. */
    public float annRecall = -1;
    /** The most-popular baseline's rank (0: a miss), when ranked. */
    public int popularRank;
    /** The random baseline's rank, when ranked. */
    public int randomRank;
    /** The previous served version scored on the same event (0: none), and its rank. */
    public long previousVersion;

    public int previousRank = NOT_RANKED;

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
