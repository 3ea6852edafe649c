package io.streamrec.flink.graph;

import io.streamrec.flink.ingest.Interaction;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user: the user's adjacency, item → (weight, last event time), in keyed state
 * (RocksDB in the job). Emits an {@link EdgeChange} only when the graph really changes: the
 * first interaction with an item adds the edge, a {@code remove} deletes it; repeats only add
 * weight and move the last time. Removing an absent edge is counted and ignored.
 */
public final class UserAdjacencyFunction extends KeyedProcessFunction<String, Interaction, EdgeChange> {
    private static final long serialVersionUID = 1L;
    public static final String STATE_NAME = "adjacency";

    private final Duration ttl;
    private transient MapState<String, Tuple2<Float, Long>> adjacency;
    private transient Counter repeats;
    private transient Counter absentRemoves;

    /** @param ttl drop a user's adjacency after this long without a write (null: keep forever) */
    public UserAdjacencyFunction(Duration ttl) {
        this.ttl = ttl;
    }

    public static MapStateDescriptor<String, Tuple2<Float, Long>> descriptor() {
        return new MapStateDescriptor<>(STATE_NAME, Types.STRING, Types.TUPLE(Types.FLOAT, Types.LONG));
    }

    /** The adjacency's state descriptor, with the time-to-live when one is set. */
    public static MapStateDescriptor<String, Tuple2<Float, Long>> descriptor(Duration ttl) {
        MapStateDescriptor<String, Tuple2<Float, Long>> d = descriptor();
        if (ttl != null && !ttl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(10_000)
                    .build());
        }
        return d;
    }

    @Override
    public void open(OpenContext ctx) {
        adjacency = getRuntimeContext().getMapState(descriptor(ttl));
        repeats = getRuntimeContext().getMetricGroup().counter("repeatInteractions");
        absentRemoves = getRuntimeContext().getMetricGroup().counter("removesOfAbsentEdges");
    }

    @Override
    public void processElement(Interaction e, Context ctx, Collector<EdgeChange> out) throws Exception {
        EdgeChange change = apply(adjacency, e, repeats, absentRemoves);
        if (change != null) {
            out.collect(change);
        }
    }

    /** Applies one interaction to a user's adjacency; returns the edge change, or null when the graph did not change. */
    public static EdgeChange apply(
            MapState<String, Tuple2<Float, Long>> adjacency, Interaction e, Counter repeats, Counter absentRemoves)
            throws Exception {
        return apply(adjacency, e, adjacency.get(e.item), repeats, absentRemoves);
    }

    /** As {@link #apply(MapState, Interaction, Counter, Counter)}, with the user's edge to the item already read (or null). */
    public static EdgeChange apply(
            MapState<String, Tuple2<Float, Long>> adjacency,
            Interaction e,
            Tuple2<Float, Long> edge,
            Counter repeats,
            Counter absentRemoves)
            throws Exception {
        if (e.remove) {
            if (edge == null) {
                absentRemoves.inc();
                return null;
            }
            adjacency.remove(e.item);
            return new EdgeChange(e.user, e.item, false, edge.f0, e.time);
        }
        if (edge == null) {
            adjacency.put(e.item, Tuple2.of(e.weight, e.time));
            return new EdgeChange(e.user, e.item, true, e.weight, e.time);
        }
        repeats.inc();
        edge.f0 += e.weight;
        edge.f1 = Math.max(edge.f1, e.time);
        adjacency.put(e.item, edge);
        return null;
    }
}
