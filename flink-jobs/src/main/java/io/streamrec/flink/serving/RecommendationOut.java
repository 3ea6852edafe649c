package io.streamrec.flink.serving;

/** A user's refreshed top-K (seen items excluded), as the serving operator emits it. A Flink POJO. */
public class RecommendationOut {
    public String user;
    public String[] items;
    public float[] scores;
    public long version;
    public long eventTime;
    public long createdTime;

    public RecommendationOut() {}

    public RecommendationOut(
            String user, String[] items, float[] scores, long version, long eventTime, long createdTime) {
        this.user = user;
        this.items = items;
        this.scores = scores;
        this.version = version;
        this.eventTime = eventTime;
        this.createdTime = createdTime;
    }
}
