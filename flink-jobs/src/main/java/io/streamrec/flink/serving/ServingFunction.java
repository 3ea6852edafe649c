package io.streamrec.flink.serving;

import io.streamrec.common.FoldIn;
import io.streamrec.flink.EdgeChange;
import io.streamrec.flink.Interaction;
import io.streamrec.flink.UserAdjacencyFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-keyed operator of the graph job with serving on: the user's adjacency (RocksDB), the
 * user's vectors of the last two model versions (keyed state), and the item vectors of the last
 * two committed versions plus the one being read (broadcast state).
 *
 * <p>For every interaction that adds an edge, in this order: (1) score it with the served model,
 * before the model or the adjacency has seen it: the rank of the item among the items the user
 * has not interacted with ({@link #SCORED}); (2) update the adjacency and emit the edge change,
 * as {@link UserAdjacencyFunction} does; (3) publish the user's refreshed top-K, seen items
 * excluded ({@link #RECOMMENDATIONS}). Removals update the adjacency and refresh the top-K;
 * repeats only add weight.
 *
 * <p>Versions are applied atomically: a version's item vectors are collected until its COMMIT, and
 * a user is always scored with one version: the newest committed version for which the user's
 * vector has arrived (user vectors travel keyed, so they may trail or lead the broadcast commit),
 * else the newest committed version with the user placed at the mean of their known items
 * (a user the model has not seen yet), else at the mean of all items (a user with no known
 * items: popularity-like). A known user's vector has the items the user took since it arrived
 * folded in ({@link FoldIn}: the directions of the vector and of those items' mean, weighted by
 * how many items each stands for), so a session moves the user's top-K before the next version.
 */
public final class ServingFunction extends KeyedBroadcastProcessFunction<String, UserInput, ModelUpdate, EdgeChange> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ServingFunction.class);
  private static final long PENDING = -1L;

  public static final OutputTag<Scored> SCORED = new OutputTag<>("scored", TypeInformation.of(Scored.class));
  public static final OutputTag<RecommendationOut> RECOMMENDATIONS =
      new OutputTag<>("recommendations", TypeInformation.of(RecommendationOut.class));
  public static final OutputTag<MetricOut> VERSIONS = new OutputTag<>("versions", TypeInformation.of(MetricOut.class));

  /** Committed item tables by version, and the version being read under key -1. */
  public static final MapStateDescriptor<Long, ItemTable> ITEMS =
      new MapStateDescriptor<>("served-items", Types.LONG, TypeInformation.of(ItemTable.class));

  private final Duration ttl;
  private final int topK;
  private transient MapState<String, Tuple2<Float, Long>> adjacency;
  private transient MapState<Long, float[]> userVectors;
  private transient ValueState<Integer> itemsAtVector;
  private transient ListState<String> sinceVector;
  private transient Counter repeats;
  private transient Counter absentRemoves;
  private transient Counter scored;
  private transient Counter unknownItems;
  /** The committed tables, newest first, as last read from broadcast state (refreshed after each COMMIT and restore). */
  private transient ItemTable[] served;
  private transient boolean servedValid;

  public ServingFunction(Duration ttl, int topK) {
    this.ttl = ttl;
    this.topK = topK;
  }

  @Override
  public void open(OpenContext ctx) {
    adjacency = getRuntimeContext().getMapState(UserAdjacencyFunction.descriptor(ttl));
    userVectors = getRuntimeContext().getMapState(new MapStateDescriptor<>("user-vectors", Types.LONG,
        PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
    itemsAtVector = getRuntimeContext().getState(new ValueStateDescriptor<>("items-at-vector", Types.INT));
    sinceVector = getRuntimeContext().getListState(new ListStateDescriptor<>("items-since-vector", Types.STRING));
    repeats = getRuntimeContext().getMetricGroup().counter("repeatInteractions");
    absentRemoves = getRuntimeContext().getMetricGroup().counter("removesOfAbsentEdges");
    scored = getRuntimeContext().getMetricGroup().counter("scoredInteractions");
    unknownItems = getRuntimeContext().getMetricGroup().counter("scoredItemsUnknownToModel");
  }

  @Override
  public void processElement(UserInput in, ReadOnlyContext ctx, Collector<EdgeChange> out) throws Exception {
    if (in.vector != null) {
      keepUserVector(in.vector);
      return;
    }
    Interaction e = in.interaction;
    Tuple2<Float, Long> edge = adjacency.get(e.item); // read once: decides scoring, then the update
    boolean newEdge = !e.remove && edge == null;
    if (!servedValid) {
      served = served(ctx.getBroadcastState(ITEMS));
      servedValid = true;
    }
    Ranking ranking = null;
    if (served != null && (newEdge || e.remove)) {
      ranking = rank(served, e.item);
      if (newEdge) {
        scored.inc();
        if (ranking.target < 0) {
          unknownItems.inc();
        }
        ctx.output(SCORED, new Scored(ranking.table.version, ranking.rank(), e.time));
      }
    }
    EdgeChange change = UserAdjacencyFunction.apply(adjacency, e, edge, repeats, absentRemoves);
    if (change == null) {
      return;
    }
    out.collect(change);
    if (change.added && served != null) { // before any version there is nothing to fold into
      sinceVector.add(e.item);
    }
    if (ranking != null) {
      int at = ranking.table.indexOf(e.item);
      if (at >= 0) {
        ranking.seen[at] = !e.remove;
      }
      ctx.output(RECOMMENDATIONS, ranking.top(e.user, topK, e.time));
    }
  }

  private void keepUserVector(ModelUpdate v) throws Exception {
    List<Long> versions = new ArrayList<>();
    long newest = 0;
    for (Long k : userVectors.keys()) {
      versions.add(k);
      newest = Math.max(newest, k);
    }
    if (v.version > newest) { // fold-in restarts from this vector: it stands for the items the user has now
      int n = 0;
      for (String ignored : adjacency.keys()) {
        n++;
      }
      itemsAtVector.update(n);
      sinceVector.clear();
    }
    userVectors.put(v.version, v.vector.clone());
    if (!versions.contains(v.version)) {
      versions.add(v.version);
    }
    if (versions.size() > 2) {
      versions.sort(null);
      for (int i = 0; i < versions.size() - 2; i++) {
        userVectors.remove(versions.get(i));
      }
    }
  }

  /** The committed tables, newest first (null when none). */
  private static ItemTable[] served(ReadOnlyBroadcastState<Long, ItemTable> state) throws Exception {
    ItemTable newest = null;
    ItemTable older = null;
    for (Map.Entry<Long, ItemTable> en : state.immutableEntries()) {
      if (en.getKey() == PENDING) {
        continue;
      }
      ItemTable t = en.getValue();
      if (newest == null || t.version > newest.version) {
        older = newest;
        newest = t;
      } else if (older == null || t.version > older.version) {
        older = t;
      }
    }
    return newest == null ? null : older == null ? new ItemTable[] {newest} : new ItemTable[] {newest, older};
  }

  private Ranking rank(ItemTable[] served, String item) throws Exception {
    ItemTable table = served[0];
    float[] user = userVectors.get(table.version);
    if (user == null && served.length > 1 && userVectors.contains(served[1].version)) {
      table = served[1]; // this user's vector of the newest version has not arrived yet: stay on the older one
      user = userVectors.get(table.version);
    }
    if (user != null) {
      user = foldIn(table, user);
    }
    boolean[] seen = new boolean[table.size];
    float[] mean = user == null ? new float[table.dim] : null;
    int known = 0;
    for (String s : adjacency.keys()) {
      int at = table.indexOf(s);
      if (at >= 0) {
        seen[at] = true;
        if (mean != null) {
          for (int d = 0; d < table.dim; d++) {
            mean[d] += table.data[at * table.dim + d];
          }
        }
        known++;
      }
    }
    if (user == null) {
      if (known == 0) {
        user = table.centroid;
      } else {
        for (int d = 0; d < table.dim; d++) {
          mean[d] /= known;
        }
        user = mean;
      }
    }
    return new Ranking(table, table.scores(user), seen, table.indexOf(item));
  }

  /** The user's vector with the items the user took since it arrived folded in ({@link FoldIn}). */
  private float[] foldIn(ItemTable table, float[] user) throws Exception {
    float[] mean = new float[table.dim];
    int n = 0;
    for (String item : sinceVector.get()) {
      int at = table.indexOf(item);
      if (at >= 0) {
        for (int d = 0; d < table.dim; d++) {
          mean[d] += table.data[at * table.dim + d];
        }
        n++;
      }
    }
    if (n == 0) {
      return user;
    }
    Integer before = itemsAtVector.value();
    return FoldIn.blend(user, Math.max(1, before == null ? 0 : before), mean, n);
  }

  /** One user's scores under one version, with the items the user has seen. */
  static final class Ranking {
    final ItemTable table;
    final float[] scores;
    final boolean[] seen;
    final int target;

    Ranking(ItemTable table, float[] scores, boolean[] seen, int target) {
      this.table = table;
      this.scores = scores;
      this.seen = seen;
      this.target = target;
    }

    /** 1-based rank of the target among unseen items (ties count in its favour); 0 if unknown. */
    int rank() {
      if (target < 0) {
        return 0;
      }
      float s = scores[target];
      int rank = 1;
      for (int j = 0; j < scores.length; j++) {
        if (j != target && !seen[j] && scores[j] > s) {
          rank++;
        }
      }
      return rank;
    }

    RecommendationOut top(String user, int k, long eventTime) {
      int[] heap = new int[k]; // min-heap on score of the best k unseen items
      int n = 0;
      for (int j = 0; j < scores.length; j++) {
        if (seen[j]) {
          continue;
        }
        if (n < k) {
          heap[n] = j;
          siftUp(heap, n++);
        } else if (scores[j] > scores[heap[0]]) {
          heap[0] = j;
          siftDown(heap, n);
        }
      }
      String[] items = new String[n];
      float[] s = new float[n];
      for (int i = n - 1; i >= 0; i--) { // pop ascending, fill from the back
        items[i] = table.ids[heap[0]];
        s[i] = scores[heap[0]];
        heap[0] = heap[i];
        siftDown(heap, i);
      }
      return new RecommendationOut(user, items, s, table.version, eventTime, System.currentTimeMillis());
    }

    private void siftUp(int[] h, int i) {
      while (i > 0) {
        int p = (i - 1) / 2;
        if (scores[h[i]] >= scores[h[p]]) {
          return;
        }
        int t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
      }
    }

    private void siftDown(int[] h, int n) {
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        int r = l + 1;
        int m = i;
        if (l < n && scores[h[l]] < scores[h[m]]) {
          m = l;
        }
        if (r < n && scores[h[r]] < scores[h[m]]) {
          m = r;
        }
        if (m == i) {
          return;
        }
        int t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
      }
    }
  }

  @Override
  public void processBroadcastElement(ModelUpdate m, Context ctx, Collector<EdgeChange> out) throws Exception {
    BroadcastState<Long, ItemTable> state = ctx.getBroadcastState(ITEMS);
    ItemTable pending = state.get(PENDING);
    if (m.kind == ModelUpdate.ITEM) {
      if (pending == null || m.version > pending.version) {
        pending = new ItemTable(m.version);
        state.put(PENDING, pending);
      }
      if (m.version == pending.version && !state.contains(m.version)) {
        pending.put(m.id, m.vector.clone());
      }
      return;
    }
    if (m.kind != ModelUpdate.COMMIT || state.contains(m.version)) {
      return; // users come keyed; a COMMIT read twice changes nothing
    }
    boolean first = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    if (pending == null || pending.version != m.version) {
      if (first) {
        LOG.warn("Model version {} committed without its item vectors (read from the middle of the embeddings topic?); "
            + "still serving the previous version", m.version);
      }
      return;
    }
    pending.commit(m.triggerTime);
    servedValid = false;
    state.remove(PENDING);
    state.put(m.version, pending);
    List<Long> committed = new ArrayList<>();
    for (Map.Entry<Long, ItemTable> en : state.entries()) {
      committed.add(en.getKey());
    }
    committed.sort(null);
    for (int i = 0; i < committed.size() - 2; i++) {
      state.remove(committed.get(i));
    }
    if (first) {
      long now = System.currentTimeMillis();
      if (pending.size < m.items) {
        LOG.warn("Model version {} committed with {} of its {} item vectors", m.version, pending.size, m.items);
      }
      LOG.info("Serving model version {} ({} items, dim {}, trained through seq {}){}", m.version, pending.size,
          pending.dim, m.throughSeq, m.triggerTime > 0 ? ", " + (now - m.triggerTime) + " ms after its trigger" : "");
      if (m.triggerTime > 0) {
        ctx.output(VERSIONS, new MetricOut("version_live_seconds", (now - m.triggerTime) / 1000.0, m.version, "version",
            pending.size, now));
      }
    }
  }
}
