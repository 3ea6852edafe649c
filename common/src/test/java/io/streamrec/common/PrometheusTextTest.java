package io.streamrec.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void writesFamiliesWithEscapedLabelsAndPrometheusNumbers() {
        Map<Map<String, String>, Double> byReason = new LinkedHashMap<>();
        byReason.put(Map.of("reason", "BAD \"TIME\"\\x"), 3.0);
        byReason.put(Map.of("reason", "UNKNOWN_EVENT_TYPE"), 7.0);
        String text = new PrometheusText()
                .gauge("a_version", "Newest version", 12)
                .gauge("a_rate", "Events per second\nover 10 s", 294.5)
                .gauge("a_missing", "Not yet known", Double.NaN)
                .counters("a_dead_total", "Dead letters", byReason)
                .gauges("a_none", "Written only with samples", Map.of())
                .toString();
        assertEquals("""
        # HELP a_version Newest version
        # TYPE a_version gauge
        a_version 12
        # HELP a_rate Events per second\\nover 10 s
        # TYPE a_rate gauge
        a_rate 294.5
        # HELP a_missing Not yet known
        # TYPE a_missing gauge
        a_missing NaN
        # HELP a_dead_total Dead letters
        # TYPE a_dead_total counter
        a_dead_total{reason="BAD \\"TIME\\"\\\\x"} 3
        a_dead_total{reason="UNKNOWN_EVENT_TYPE"} 7
        """, text);
    }
}
