package io.streamrec.flink.job;

import io.streamrec.flink.changelog.ChangelogEntry;
import io.streamrec.flink.changelog.ChangelogSequencer;
import io.streamrec.flink.changelog.TriggerInfo;
import io.streamrec.flink.graph.EdgeChange;
import io.streamrec.flink.graph.ItemDegreeFunction;
import io.streamrec.flink.graph.UserAdjacencyFunction;
import io.streamrec.flink.ingest.DeadLetterInfo;
import io.streamrec.flink.ingest.DeadLetterRouter;
import io.streamrec.flink.ingest.Interaction;
import io.streamrec.flink.ingest.Parsed;
import io.streamrec.flink.serving.CatalogFeed;
import io.streamrec.flink.serving.MetricOut;
import io.streamrec.flink.serving.ModelUpdate;
import io.streamrec.flink.serving.PartialScores;
import io.streamrec.flink.serving.RecommendationOut;
import io.streamrec.flink.serving.RollingMetricsFunction;
import io.streamrec.flink.serving.ScoresPreAggregator;
import io.streamrec.flink.serving.ServingConfig;
import io.streamrec.flink.serving.ServingFunction;
import io.streamrec.flink.serving.UserInput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The graph job's dataflow, with its source and sinks passed in (Kafka in production, anything
 * in tests):
 *
 * <pre>
 * source ─► decode+validate ─► router ─┬─► dead letters ─► dlq sink
 *                                      └─► keyBy(user): [score ─►] adjacency (RocksDB) [─► top-K]
 *                                            │      ▲ user vectors (keyed)  ▲ COMMITs (broadcast)
 *                                            │      └──── embeddings source ┘
 *                                            │   item vectors: each TaskManager's catalog feed, on its own thread
 *                                            ├─► per task: sum scores ─► keyBy(version): rolling NDCG/HR ─► metrics sink
 *                                            ├─► recommendations sink
 *                                            ├─► [keyBy(item): degree, with itemDegrees]
 *                                            └─► sequencer (p=1) ─┬─► changelog sink (edges + CUTs)
 *                                                                 └─► trigger sink
 * </pre>
 *
 * <p>With serving off (or no embeddings source) the user stage is the plain adjacency. The
 * item-degree stage (one shuffle and one state update per edge) is off unless asked for: nothing in
 * the job reads it.
 *
 * Every operator has a fixed uid, so a job restored from a checkpoint finds its state.
 */
public final class GraphJob {
    private GraphJob() {}

    /** The job's sinks. */
    public record Sinks(
            Sink<ChangelogEntry> changelog,
            Sink<TriggerInfo> triggers,
            Sink<DeadLetterInfo> deadLetters,
            Sink<RecommendationOut> recommendations,
            Sink<MetricOut> metrics) {}

    /**
     * The job; serving is on when {@code cfg.serving().enabled()} and an embeddings source is given.
     * {@code feed} is where each TaskManager's served item tables come from (null: from the embeddings
     * source, broadcast; with a feed that source needs to deliver only user vectors and COMMITs).
     */
    public static void build(
            StreamExecutionEnvironment env,
            GraphJobConfig cfg,
            Source<Parsed, ?, ?> source,
            Source<ModelUpdate, ?, ?> embeddings,
            CatalogFeed feed,
            Sinks sinks) {
        DataStream<Parsed> parsed = env.fromSource(source, WatermarkStrategy.noWatermarks(), "interactions")
                .uid("interactions-source");
        SingleOutputStreamOperator<Interaction> accepted =
                parsed.process(new DeadLetterRouter()).uid("router").name("validate");
        accepted.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters())
                .uid("dlq-sink")
                .name("dead letters");

        ServingConfig serving = cfg.serving();
        SingleOutputStreamOperator<EdgeChange> userStage;
        if (serving.enabled() && embeddings != null) {
            DataStream<ModelUpdate> updates = env.fromSource(embeddings, WatermarkStrategy.noWatermarks(), "embeddings")
                    .uid("embeddings-source")
                    .setParallelism(1);
            boolean itemsBroadcast = feed == null;
            DataStream<UserInput> userInputs = accepted.map(UserInput::of)
                    .uid("user-events")
                    .name("user events")
                    .union(updates.filter(u -> u.kind == ModelUpdate.USER)
                            .uid("user-vectors")
                            .name("user vectors")
                            .setParallelism(1)
                            .map(UserInput::of)
                            .uid("user-vector-inputs")
                            .name("user vector inputs")
                            .setParallelism(1));
            userStage = userInputs
                    .keyBy(UserInput::user, TypeInformation.of(String.class))
                    .connect(updates.filter(
                                    u -> u.kind == ModelUpdate.COMMIT || u.kind == ModelUpdate.ITEM && itemsBroadcast)
                            .uid("item-vectors")
                            .name(itemsBroadcast ? "item vectors" : "commits")
                            .setParallelism(
                                    1) // chained to the source: a version's items stay in order before its COMMIT
                            .broadcast(ServingFunction.VERSIONS_SERVED))
                    .process(new ServingFunction(
                            cfg.stateTtl(), serving, cfg.topics().embeddings(), feed))
                    .uid("user-adjacency")
                    .name("score, adjacency, top-K");
            userStage
                    .getSideOutput(ServingFunction.RECOMMENDATIONS)
                    .sinkTo(sinks.recommendations())
                    .uid("recommendations-sink")
                    .name("recommendations");
            userStage
                    .getSideOutput(ServingFunction.SCORED)
                    .transform(
                            "sum scores",
                            TypeInformation.of(PartialScores.class),
                            new ScoresPreAggregator(
                                    serving.topK(),
                                    serving.timeWindow().toMillis(),
                                    Math.min(serving.countWindow(), 256),
                                    500))
                    .uid("score-sums")
                    .keyBy(s -> s.version, TypeInformation.of(Long.class))
                    .process(new RollingMetricsFunction(serving.topK(), serving.countWindow(), serving.timeWindow()))
                    .uid("rolling-metrics")
                    .name("rolling metrics")
                    .union(userStage.getSideOutput(ServingFunction.VERSIONS))
                    .sinkTo(sinks.metrics())
                    .uid("metrics-sink")
                    .name("metrics")
                    .setParallelism(1);
        } else {
            userStage = accepted.keyBy(i -> i.user, TypeInformation.of(String.class))
                    .process(new UserAdjacencyFunction(cfg.stateTtl()))
                    .uid("user-adjacency")
                    .name("user adjacency");
        }
        DataStream<EdgeChange> edges = userStage;
        if (cfg.itemDegrees()) {
            edges = userStage
                    .keyBy(c -> c.item, TypeInformation.of(String.class))
                    .process(new ItemDegreeFunction())
                    .uid("item-degree")
                    .name("item degree");
        }

        SingleOutputStreamOperator<ChangelogEntry> changelog = edges.transform(
                        "changelog sequencer",
                        TypeInformation.of(ChangelogEntry.class),
                        new ChangelogSequencer(
                                cfg.edgesPartitions(),
                                cfg.triggerEdges(),
                                cfg.triggerInterval().toMillis()))
                .uid("changelog-sequencer")
                .setParallelism(1)
                .setMaxParallelism(1);
        changelog
                .sinkTo(sinks.changelog())
                .uid("changelog-sink")
                .name("graph.edges")
                .setParallelism(1);
        changelog
                .getSideOutput(ChangelogSequencer.TRIGGERS)
                .sinkTo(sinks.triggers())
                .uid("trigger-sink")
                .name("training.triggers")
                .setParallelism(1);
    }
}
