package io.streamrec.flink.ingest;

import io.streamrec.schemas.ReasonCode;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes accepted interactions on and sends dead letters to a side output, counting both
 * ({@code acceptedEvents}, {@code deadLetters}, {@code deadLetters.<REASON_CODE>}).
 */
public final class DeadLetterRouter extends ProcessFunction<Parsed, Interaction> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetterInfo> DEAD_LETTERS = new OutputTag<>("dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private transient Counter accepted;
    private transient Counter deadLetters;
    private transient Map<ReasonCode, Counter> byReason;

    @Override
    public void open(OpenContext ctx) {
        MetricGroup g = getRuntimeContext().getMetricGroup();
        accepted = g.counter("acceptedEvents");
        deadLetters = g.counter("deadLetters");
        byReason = new EnumMap<>(ReasonCode.class);
        MetricGroup reasons = g.addGroup("deadLetterReason");
        for (ReasonCode c : ReasonCode.values()) {
            byReason.put(c, reasons.counter(c.name()));
        }
    }

    @Override
    public void processElement(Parsed p, Context ctx, Collector<Interaction> out) {
        if (p.interaction != null) {
            accepted.inc();
            out.collect(p.interaction);
        } else {
            deadLetters.inc();
            Counter c = byReason.get(ReasonCode.valueOf(p.deadLetter.reasonCode));
            if (c != null) {
                c.inc();
            }
            ctx.output(DEAD_LETTERS, p.deadLetter);
        }
    }
}
