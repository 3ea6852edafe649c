package io.streamrec.flink.changelog;

import io.streamrec.flink.graph.EdgeChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs with parallelism 1 in front of the changelog sink. Gives every edge change the next
 * sequence number and the changelog partition of its user, and emits a training trigger every
 * {@code triggerEdges} edges or every {@code triggerIntervalMs} (whichever comes first, never
 * with zero new edges). A trigger is a consistent cut: it is preceded in EVERY changelog
 * partition by a CUT marker, and all edges with seq ≤ the trigger's {@code throughSeq} come
 * before that marker in their partition. Sequence and trigger counters are checkpointed, so
 * committed changelog records carry dense sequence numbers across restarts.
 */
public final class ChangelogSequencer extends AbstractStreamOperator<ChangelogEntry>
        implements OneInputStreamOperator<EdgeChange, ChangelogEntry> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogSequencer.class);
    public static final OutputTag<TriggerInfo> TRIGGERS = new OutputTag<>("training-triggers") {
        private static final long serialVersionUID = 1L;
    };

    private final int partitions;
    private final long triggerEdges;
    private final long triggerIntervalMs;

    private transient ListState<Long> counters;
    private transient long seq;
    private transient long triggerId;
    private transient long edgesSinceTrigger;
    private transient long lastTriggerTime;
    private transient Counter edgesOut;
    private transient StreamRecord<ChangelogEntry> reuse;

    public ChangelogSequencer(int partitions, long triggerEdges, long triggerIntervalMs) {
        if (partitions < 1 || triggerEdges < 1 || triggerIntervalMs < 1) {
            throw new IllegalArgumentException("partitions, trigger edges and trigger interval must be positive: "
                    + partitions + ", " + triggerEdges + ", " + triggerIntervalMs);
        }
        this.partitions = partitions;
        this.triggerEdges = triggerEdges;
        this.triggerIntervalMs = triggerIntervalMs;
    }

    /** The changelog partition of a user: Kafka's default partitioner on the UTF-8 user id. */
    public static int partitionOf(String user, int partitions) {
        return Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        counters =
                context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("sequencer", Types.LONG));
        seq = 0;
        triggerId = 0;
        edgesSinceTrigger = 0;
        if (context.isRestored()) {
            List<Long> v = new ArrayList<>();
            counters.get().forEach(v::add);
            if (v.size() >= 3) {
                seq = v.get(0);
                triggerId = v.get(1);
                edgesSinceTrigger = v.get(2);
            }
            LOG.info(
                    "Changelog sequencer restored at seq {}, trigger {}, {} edges since it",
                    seq,
                    triggerId,
                    edgesSinceTrigger);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        edgesOut = getMetricGroup().counter("changelogEdges");
        getMetricGroup().gauge("changelogSeq", () -> seq);
        getMetricGroup().gauge("lastTriggerId", () -> triggerId);
        reuse = new StreamRecord<>(null);
        lastTriggerTime = getProcessingTimeService().getCurrentProcessingTime();
        scheduleTick();
    }

    private void scheduleTick() {
        long period = Math.min(triggerIntervalMs, 1000);
        getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + period, t -> {
            if (edgesSinceTrigger > 0 && t - lastTriggerTime >= triggerIntervalMs) {
                trigger(false, t);
            }
            scheduleTick();
        });
    }

    @Override
    public void processElement(StreamRecord<EdgeChange> element) {
        EdgeChange c = element.getValue();
        seq++;
        edgesSinceTrigger++;
        edgesOut.inc();
        output.collect(reuse.replace(ChangelogEntry.edge(c, seq, partitionOf(c.user, partitions))));
        if (edgesSinceTrigger >= triggerEdges) {
            trigger(true, getProcessingTimeService().getCurrentProcessingTime());
        }
    }

    private void trigger(boolean byCount, long now) {
        triggerId++;
        for (int p = 0; p < partitions; p++) {
            output.collect(reuse.replace(ChangelogEntry.cut(seq, triggerId, now, p)));
        }
        TriggerInfo t = new TriggerInfo(triggerId, seq, edgesSinceTrigger, byCount, partitions, now);
        output.collect(TRIGGERS, new StreamRecord<>(t));
        LOG.info("Training {}", t);
        edgesSinceTrigger = 0;
        lastTriggerTime = now;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        counters.update(List.of(seq, triggerId, edgesSinceTrigger));
    }
}
