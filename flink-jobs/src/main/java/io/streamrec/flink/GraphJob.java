package io.streamrec.flink;

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
 *                                      └─► keyBy(user): adjacency (RocksDB)
 *                                            └─► keyBy(item): degree
 *                                                  └─► sequencer (p=1) ─┬─► changelog sink (edges + CUTs)
 *                                                                       └─► trigger sink
 * </pre>
 *
 * Every operator has a fixed uid, so a job restored from a checkpoint finds its state.
 */
public final class GraphJob {
  private GraphJob() {}

  /** The job's sinks. */
  public record Sinks(Sink<ChangelogEntry> changelog, Sink<TriggerInfo> triggers, Sink<DeadLetterInfo> deadLetters) {}

  public static void build(StreamExecutionEnvironment env, GraphJobConfig cfg, Source<Parsed, ?, ?> source, Sinks sinks) {
    DataStream<Parsed> parsed = env.fromSource(source, WatermarkStrategy.noWatermarks(), "interactions")
        .uid("interactions-source");
    SingleOutputStreamOperator<Interaction> accepted = parsed.process(new DeadLetterRouter())
        .uid("router").name("validate");
    accepted.getSideOutput(DeadLetterRouter.DEAD_LETTERS).sinkTo(sinks.deadLetters()).uid("dlq-sink").name("dead letters");

    SingleOutputStreamOperator<EdgeChange> edges = accepted.keyBy(i -> i.user, TypeInformation.of(String.class))
        .process(new UserAdjacencyFunction(cfg.stateTtl())).uid("user-adjacency").name("user adjacency")
        .keyBy(c -> c.item, TypeInformation.of(String.class))
        .process(new ItemDegreeFunction()).uid("item-degree").name("item degree");

    SingleOutputStreamOperator<ChangelogEntry> changelog = edges.transform("changelog sequencer",
            TypeInformation.of(ChangelogEntry.class),
            new ChangelogSequencer(cfg.edgesPartitions(), cfg.triggerEdges(), cfg.triggerInterval().toMillis()))
        .uid("changelog-sequencer").setParallelism(1).setMaxParallelism(1);
    changelog.sinkTo(sinks.changelog()).uid("changelog-sink").name("graph.edges").setParallelism(1);
    changelog.getSideOutput(ChangelogSequencer.TRIGGERS).sinkTo(sinks.triggers()).uid("trigger-sink")
        .name("training.triggers").setParallelism(1);
  }
}
