package io.streamrec.common;

import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus text exposition (format 0.0.4), the one writer of it: the model server's and the
 * launcher's {@code /metrics}. Names get no prefix here; label values are escaped; NaN is written
 * as Prometheus reads it.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final StringBuilder b = new StringBuilder();

    public PrometheusText gauge(String name, String help, double value) {
        return family(name, help, "gauge").sample(name, Map.of(), value);
    }

    public PrometheusText counter(String name, String help, double value) {
        return family(name, help, "counter").sample(name, Map.of(), value);
    }

    /** One family with a sample per label set (none written when {@code samples} is empty, HELP and TYPE included). */
    public PrometheusText gauges(String name, String help, Map<Map<String, String>, Double> samples) {
        return many(name, help, "gauge", samples);
    }

    public PrometheusText counters(String name, String help, Map<Map<String, String>, Double> samples) {
        return many(name, help, "counter", samples);
    }

    private PrometheusText many(String name, String help, String type, Map<Map<String, String>, Double> samples) {
        if (!samples.isEmpty()) {
            family(name, help, type);
            samples.forEach((labels, v) -> sample(name, labels, v));
        }
        return this;
    }

    private PrometheusText family(String name, String help, String type) {
        b.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    private PrometheusText sample(String name, Map<String, String> labels, double v) {
        b.append(name);
        if (!labels.isEmpty()) {
            b.append('{');
            String sep = "";
            for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
                b.append(sep)
                        .append(e.getKey())
                        .append("=\"")
                        .append(e.getValue()
                                .replace("\\", "\\\\")
                                .replace("\"", "\\\"")
                                .replace("\n", "\\n"))
                        .append('"');
                sep = ",";
            }
            b.append('}');
        }
        b.append(' ').append(format(v)).append('\n');
        return this;
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
