package io.streamrec.flink.serving;

/** One metric value for the metrics topic (MetricPoint.avsc). A Flink POJO. */
public class MetricOut {
    public static final String MODEL = "model";
    public static final String MOST_POPULAR = "most_popular";
    public static final String RANDOM = "random";

    public String name;
    public double value;
    public long version;
    public String window;
    public long samples;
    public long time;
    /** Who scored: {@link #MODEL} or a baseline. */
    public String scorer = MODEL;
    /** A paired comparison: what the scorer was compared with on the same events ("v3", most_popular), and the 95% interval. */
    public String against;

    public double low = Double.NaN;
    public double high = Double.NaN;

    public MetricOut() {}

    public MetricOut(String name, double value, long version, String window, long samples, long time) {
        this.name = name;
        this.value = value;
        this.version = version;
        this.window = window;
        this.samples = samples;
        this.time = time;
    }

    public MetricOut scorer(String s) {
        this.scorer = s;
        return this;
    }

    public MetricOut against(String other, double[] interval) {
        this.against = other;
        this.low = interval[0];
        this.high = interval[1];
        return this;
    }

    @Override
    public String toString() {
        return name + "=" + value + " v" + version + " " + window + " n=" + samples
                + (MODEL.equals(scorer) ? "" : " " + scorer)
                + (against == null ? "" : " vs " + against + " [" + low + ", " + high + "]");
    }
}
