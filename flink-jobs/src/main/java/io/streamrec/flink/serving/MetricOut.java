package io.streamrec.flink.serving;

/** One metric value for the metrics topic (MetricPoint.avsc). A Flink POJO. */
public class MetricOut {
  public String name;
  public double value;
  public long version;
  public String window;
  public long samples;
  public long time;

  public MetricOut() {}

  public MetricOut(String name, double value, long version, String window, long samples, long time) {
    this.name = name;
    this.value = value;
    this.version = version;
    this.window = window;
    this.samples = samples;
    this.time = time;
  }

  @Override
  public String toString() {
    return name + "=" + value + " v" + version + " " + window + " n=" + samples;
  }
}
