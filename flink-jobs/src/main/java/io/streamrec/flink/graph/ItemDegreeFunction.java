package io.streamrec.flink.graph;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** Keyed by item: its degree (number of users with an edge to it), stamped on each change. */
public final class ItemDegreeFunction extends KeyedProcessFunction<String, EdgeChange, EdgeChange> {
    private static final long serialVersionUID = 1L;
    public static final String STATE_NAME = "item-degree";

    private transient ValueState<Integer> degree;

    @Override
    public void open(OpenContext ctx) {
        degree = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, Types.INT));
    }

    @Override
    public void processElement(EdgeChange c, Context ctx, Collector<EdgeChange> out) throws Exception {
        Integer d = degree.value();
        int now = (d == null ? 0 : d) + (c.added ? 1 : -1);
        if (now <= 0) {
            degree.clear();
            now = 0;
        } else {
            degree.update(now);
        }
        c.itemDegree = now;
        out.collect(c);
    }
}
