package io.streamrec.flink.serving;

import io.streamrec.flink.graph.EdgeChange;
import io.streamrec.flink.graph.UserAdjacencyFunction;
import io.streamrec.flink.ingest.Interaction;
import io.streamrec.serving.ItemKeys;
import io.streamrec.serving.ItemTable;
import io.streamrec.serving.MostPopular;
import io.streamrec.serving.RankSample;
import io.streamrec.serving.ServedCatalog;
import io.streamrec.serving.ServingCore;
import io.streamrec.serving.UserState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-keyed operator of the graph job with serving on. Keyed state per user: the adjacency
 * (RocksDB, the graph) and one serving value ({@link UserState}: seen-item keys, the user's vectors
 * of the two newest versions, fold-in keys and a running placement sum). Item vectors are not in
 * Flink state: they live once per TaskManager in a {@link ServedCatalog} shared by its serving
 * tasks. In a job on Kafka a {@link CatalogFeed} fills it: rebuilt from the compacted embeddings
 * topic when the TaskManager starts (nothing of it is checkpointed), then fed by a thread of its own
 * that follows the topic, so a version goes live while this operator's inputs are backpressured (an
 * interactions backlog in front of the broadcast input would hold its item vectors for minutes);
 * the broadcast input then carries only COMMITs. Without a feed (in-memory sources in tests) the
 * broadcast input carries the item vectors. Broadcast state holds only which versions were
 * committed and at which embeddings offset.
 *
 * <p>For every interaction that adds an edge, in this order: (1) score it with the served model,
 * before the model or the adjacency has seen it: the exact rank of the item among the items the
 * user has not interacted with ({@link #SCORED}), on a deterministic sample of events
 * ({@link RankSample}); (2) update the adjacency and emit the edge change, as
 * {@link UserAdjacencyFunction} does; (3) publish the user's refreshed top-K, seen items excluded
 * ({@link #RECOMMENDATIONS}), from the version's HNSW index or an exact scan. Removals update the
 * adjacency and refresh the top-K; repeats only add weight. The per-event cost is a bounded number
 * of state reads and writes, one placement (no iteration of the adjacency) and one top-K query;
 * ranked events add one exact scan of the catalog.
 *
 * <p>Beside the model, on exactly the events it ranks: the most-popular baseline ({@link MostPopular},
 * from this task's own time-decayed counts of new edges, learned after scoring as the model is; kept
 * in operator state, at most {@link MostPopular#DEFAULT_CAPACITY} items per task) and a random order
 * of the version's candidates. While the previous version is still served, an event the newest
 * version ranks is ranked by the previous one too, its user placed in it as {@link ServingCore#place}
 * does (one more exact scan): the paired comparison of the two versions on the same events.
 *
 * <p>Versions are applied atomically (a version goes live in the catalog only when its COMMIT has
 * been read and its index is ready: its own, or the previous version's graph walked with its
 * vectors while its own is built) and a user is always scored with one version: the newest live
 * version for which the user's vector has arrived (for a delta version, a vector of it or of an
 * earlier version), else the newest live version with the user placed by {@link ServingCore#place}.
 */
public final class ServingFunction extends KeyedBroadcastProcessFunction<String, UserInput, ModelUpdate, EdgeChange>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ServingFunction.class);

    public static final OutputTag<Scored> SCORED = new OutputTag<>("scored", TypeInformation.of(Scored.class));
    public static final OutputTag<RecommendationOut> RECOMMENDATIONS =
            new OutputTag<>("recommendations", TypeInformation.of(RecommendationOut.class));
    public static final OutputTag<MetricOut> VERSIONS =
            new OutputTag<>("versions", TypeInformation.of(MetricOut.class));

    /** Committed versions → offset of their COMMIT on the embeddings topic (the last two). */
    public static final MapStateDescriptor<Long, Long> VERSIONS_SERVED =
            new MapStateDescriptor<>("served-versions", Types.LONG, Types.LONG);

    private final Duration ttl;
    private final ServingConfig config;
    private final String scope;
    private final CatalogFeed feed;
    private transient MapState<String, Tuple2<Float, Long>> adjacency;
    private transient ValueState<UserState> users;
    private transient ServedCatalog catalog;
    private transient RankSample sample;
    private transient boolean rebuilt;
    private transient long reportedLive;
    private transient ServingCore.TopK exactTop;
    private transient ServingCore.TopK annTop;
    private transient Counter repeats;
    private transient Counter absentRemoves;
    private transient Counter scored;
    private transient Counter ranked;
    private transient Counter unknownItems;
    private transient MostPopular popular;
    private transient ListState<Tuple2<Long, Double>> popularState;

    /**
     * @param scope names the catalog shared by this job's serving tasks in one JVM (job and topic)
     * @param feed where the TaskManager's tables come from; null: from the broadcast input alone (tests with in-memory
     *     sources)
     */
    public ServingFunction(Duration ttl, ServingConfig config, String scope, CatalogFeed feed) {
        this.ttl = ttl;
        this.config = config;
        this.scope = scope;
        this.feed = feed;
    }

    public static ValueStateDescriptor<UserState> userDescriptor() {
        return new ValueStateDescriptor<>("serving-user", UserStateType.info());
    }

    /** Most-popular weights as (item key, log₂ weight on the absolute scale of {@link MostPopular#snapshot}). */
    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        popular = new MostPopular(config.popularityHalfLife().toMillis());
        popularState = ctx.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("most-popular", Types.TUPLE(Types.LONG, Types.DOUBLE)));
        if (ctx.isRestored()) { // after a rescale, a share of every old task's weights: each entry stands alone
            Map<Long, Double> weights = new HashMap<>();
            for (Tuple2<Long, Double> t : popularState.get()) {
                weights.merge(
                        t.f0, t.f1, (x, y) -> Math.max(x, y) + Math.log1p(Math.pow(2, -Math.abs(x - y))) / Math.log(2));
            }
            popular.restore(weights);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        List<Tuple2<Long, Double>> entries = new ArrayList<>();
        for (Map.Entry<Long, Double> en : popular.snapshot().entrySet()) {
            entries.add(Tuple2.of(en.getKey(), en.getValue()));
        }
        popularState.update(entries);
    }

    @Override
    public void open(OpenContext ctx) {
        adjacency = getRuntimeContext().getMapState(UserAdjacencyFunction.descriptor(ttl));
        ValueStateDescriptor<UserState> ud = userDescriptor();
        if (ttl != null && !ttl.isZero()) { // an inactive user's value goes with its adjacency
            ud.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(10_000)
                    .build());
        }
        users = getRuntimeContext().getState(ud);
        catalog = ServedCatalog.acquire(getRuntimeContext().getJobInfo().getJobId() + "/" + scope, config.catalog());
        sample = config.rankSample();
        exactTop = new ServingCore.TopK(config.topK());
        annTop = new ServingCore.TopK(config.topK());
        repeats = getRuntimeContext().getMetricGroup().counter("repeatInteractions");
        absentRemoves = getRuntimeContext().getMetricGroup().counter("removesOfAbsentEdges");
        scored = getRuntimeContext().getMetricGroup().counter("scoredInteractions");
        ranked = getRuntimeContext().getMetricGroup().counter("rankedInteractions");
        unknownItems = getRuntimeContext().getMetricGroup().counter("scoredItemsUnknownToModel");
        getRuntimeContext().getMetricGroup().gauge("servedVersion", () -> {
            ItemTable[] s = catalog.served();
            return s == null ? 0L : s[0].version();
        });
    }

    @Override
    public void close() throws Exception {
        if (catalog != null) {
            catalog.release();
        }
        super.close();
    }

    /**
     * On the first record after a start: the TaskManager's feed is started (by the first of its tasks to
     * get here; it rebuilds the catalog from the topic before this returns), and a checkpoint that
     * served a version the topic no longer has is logged.
     */
    private void rebuildOnce(ReadOnlyBroadcastState<Long, Long> state) throws Exception {
        if (rebuilt) {
            return;
        }
        rebuilt = true;
        long restored = 0;
        for (Map.Entry<Long, Long> en : state.immutableEntries()) {
            restored = Math.max(restored, en.getKey());
        }
        reportedLive = restored;
        if (feed == null) {
            return;
        }
        catalog.follow(feed);
        long newest = catalog.newestCommitted();
        if (restored > 0 && newest < restored) {
            LOG.warn(
                    "Checkpoint served model version {}, but the embeddings topic's newest is {}; serving resumes from the topic",
                    restored,
                    newest == 0 ? "none" : newest);
        }
    }

    @Override
    public void processElement(UserInput in, ReadOnlyContext ctx, Collector<EdgeChange> out) throws Exception {
        rebuildOnce(ctx.getBroadcastState(VERSIONS_SERVED));
        MetricOut live = newlyLive();
        if (live != null) {
            ctx.output(VERSIONS, live);
        }
        if (in.vector != null) {
            UserState u = user();
            u.vectorArrived(in.vector.version, in.vector.vector);
            users.update(u);
            return;
        }
        Interaction e = in.interaction;
        Tuple2<Float, Long> edge = adjacency.get(e.item); // read once: decides scoring, then the update
        boolean newEdge = !e.remove && edge == null;
        if (e.remove && edge == null || !e.remove && edge != null) {
            UserAdjacencyFunction.apply(adjacency, e, edge, repeats, absentRemoves); // a repeat or a remove of nothing
            return;
        }
        ItemTable[] served = catalog.served();
        if (served == null) {
            // no version live yet: the adjacency, and the serving value only where one exists (a user vector of the
            // first version may arrive before its COMMIT); others get theirs from the adjacency once a version is live
            EdgeChange change = UserAdjacencyFunction.apply(adjacency, e, edge, repeats, absentRemoves);
            out.collect(change);
            if (newEdge) {
                ctx.output(SCORED, new Scored(0, Scored.NOT_RANKED, e.time));
                popular.observe(ItemKeys.of(e.item), e.time);
            }
            UserState u = users.value();
            if (u != null) {
                if (change.added) {
                    u.added(ItemKeys.of(e.item), null);
                } else {
                    u.removed(ItemKeys.of(e.item));
                }
                users.update(u);
            }
            return;
        }
        UserState u = user();
        long key = ItemKeys.of(e.item);
        ServingCore.Placement before = ServingCore.place(u, served);
        if (newEdge) {
            score(e, u, key, before, served, ctx);
            popular.observe(key, e.time); // learned after scoring, as the model learns the edge
        }
        EdgeChange change = UserAdjacencyFunction.apply(adjacency, e, edge, repeats, absentRemoves);
        out.collect(change);
        if (change.added) {
            u.added(key, before.table());
        } else {
            u.removed(key);
        }
        ServingCore.Placement after = ServingCore.place(u, served);
        ServingCore.topK(after.table(), after.vector(), u, annTop);
        ctx.output(
                RECOMMENDATIONS,
                new RecommendationOut(
                        e.user,
                        ServingCore.ids(after.table(), annTop),
                        ServingCore.scores(annTop),
                        after.table().version(),
                        e.time,
                        System.currentTimeMillis()));
        users.update(u);
    }

    /**
     * The user's serving value. A user without one (new, or whose events all came before the first
     * version went live, or from before this state existed) gets its seen set from the adjacency, once.
     */
    private UserState user() throws Exception {
        UserState u = users.value();
        if (u != null) {
            return u;
        }
        u = new UserState();
        if (!adjacency.isEmpty()) {
            for (String item : adjacency.keys()) {
                u.added(ItemKeys.of(item), null);
            }
        }
        return u;
    }

    private void score(
            Interaction e, UserState u, long key, ServingCore.Placement p, ItemTable[] served, ReadOnlyContext ctx) {
        ItemTable t = p.table();
        scored.inc();
        if (!sample.selected(e.user, e.item, e.time, t.size())) {
            ctx.output(SCORED, new Scored(t.version(), Scored.NOT_RANKED, e.time));
            return;
        }
        ranked.inc();
        int target = t.row(key);
        if (target < 0) {
            unknownItems.inc();
        }
        float recall = -1;
        int rank;
        if (t.ann() != null) {
            rank = ServingCore.exact(t, p.vector(), target, u, exactTop);
            ServingCore.topK(t, p.vector(), u, annTop);
            recall = exactTop.size == 0 ? 1f : (float) annTop.overlap(exactTop) / exactTop.size;
        } else {
            rank = ServingCore.rank(t, p.vector(), target, u);
        }
        Scored s = new Scored(t.version(), rank, e.time, recall);
        s.popularRank = popular.rank(u, key);
        s.randomRank = target < 0 ? 0 : RankSample.randomRank(e.user, e.item, e.time, t.size() - seenIn(t, u));
        if (served.length > 1 && t == served[0]) { // the previous version on the same event
            ItemTable previous = served[1];
            ServingCore.Placement q = ServingCore.place(u, new ItemTable[] {previous});
            s.previousVersion = previous.version();
            s.previousRank = ServingCore.rank(previous, q.vector(), previous.row(key), u);
        }
        ctx.output(SCORED, s);
    }

    /** How many of the user's items the table has (the candidates are the others). */
    private static int seenIn(ItemTable t, UserState u) {
        int n = 0;
        for (int i = 0; i < u.seenCount; i++) {
            if (t.row(u.seen[i]) >= 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * When a new version has gone live in this TaskManager since the last call: task 0's trigger → live
     * point for the metrics topic (the others only note the version); null otherwise.
     */
    private MetricOut newlyLive() {
        ItemTable[] s = catalog.served();
        if (s == null || s[0].version() <= reportedLive) {
            return null;
        }
        reportedLive = s[0].version();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() != 0 || s[0].triggerTime() <= 0) {
            return null;
        }
        long now = System.currentTimeMillis();
        // when the catalog made it live, not when this task noticed (an idle task notices at its next record)
        long live = s[0].liveAt() > 0 ? s[0].liveAt() : now;
        return new MetricOut(
                "version_live_seconds",
                (live - s[0].triggerTime()) / 1000.0,
                s[0].version(),
                "version",
                s[0].size(),
                now);
    }

    @Override
    public void processBroadcastElement(ModelUpdate m, Context ctx, Collector<EdgeChange> out) throws Exception {
        BroadcastState<Long, Long> state = ctx.getBroadcastState(VERSIONS_SERVED);
        rebuildOnce(state);
        if (m.kind == ModelUpdate.ITEM) {
            if (feed == null) {
                catalog.put(m.version, m.id, m.vector);
            }
            return;
        }
        if (m.kind != ModelUpdate.COMMIT) {
            return; // users come keyed
        }
        // with a feed the catalog is its business; the version is recorded as committed on the topic (the same in every
        // task)
        ServedCatalog.Commit c = feed != null
                ? ServedCatalog.Commit.COMMITTED
                : catalog.commit(m.version, m.triggerTime, m.items, m.vector, m.baseVersion, m.removed);
        boolean first = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        if (c == ServedCatalog.Commit.MISSING && first) {
            LOG.warn(
                    "Model version {} committed without its item vectors or its base version {} (read from the middle of the "
                            + "embeddings topic?); still serving the previous version",
                    m.version,
                    m.baseVersion);
        }
        if (c != ServedCatalog.Commit.MISSING && !state.contains(m.version)) {
            state.put(m.version, m.offset);
            List<Long> committed = new ArrayList<>();
            for (Map.Entry<Long, Long> en : state.entries()) {
                committed.add(en.getKey());
            }
            committed.sort(null);
            for (int i = 0; i < committed.size() - 2; i++) {
                state.remove(committed.get(i));
            }
        }
        MetricOut live = newlyLive();
        if (live != null) {
            ctx.output(VERSIONS, live);
        }
    }
}
