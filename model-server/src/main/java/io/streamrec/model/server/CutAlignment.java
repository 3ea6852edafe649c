package io.streamrec.model.server;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Lines up the CUT markers of a partitioned changelog, so that a version sees exactly the edges
 * with seq ≤ its cut. A partition whose marker has arrived stops: what it delivers next is held,
 * in order, until every partition has reached the same cut. Then the cut is complete; {@link
 * #release} applies what was held, partition by partition, until a partition meets its next
 * marker. A pure state machine: the model server feeds it Kafka records and pauses and resumes
 * its consumer as it says.
 *
 * @param <P> a partition
 * @param <R> a decoded changelog record: an edge change or a CUT marker
 */
final class CutAlignment<P, R> {
    /** What to do with an offered record. */
    enum Step {
        /** An edge before the partition's marker: apply it now. */
        APPLY,
        /** The partition's marker: stop reading the partition until the cut is complete. */
        PAUSE,
        /** The partition is at its marker: the record is kept for after the cut. */
        HOLD
    }

    private final Predicate<R> isCut;
    private final Map<P, R> atCut = new HashMap<>();
    private final Map<P, ArrayDeque<Held<R>>> held = new LinkedHashMap<>();
    private final Collection<P> partitions;

    /** A record kept for after the cut, with its position in the partition. */
    record Held<R>(long offset, R record) {}

    CutAlignment(Collection<P> partitions, Predicate<R> isCut) {
        this.partitions = partitions;
        this.isCut = isCut;
    }

    /** The next record of partition {@code p} (at {@code offset}), in the partition's order. */
    Step offer(P p, long offset, R record) {
        if (atCut.containsKey(p)) {
            held.computeIfAbsent(p, k -> new ArrayDeque<>()).add(new Held<>(offset, record));
            return Step.HOLD;
        }
        if (isCut.test(record)) {
            atCut.put(p, record);
            return Step.PAUSE;
        }
        return Step.APPLY;
    }

    /** Every partition has reached its marker of the same cut. */
    boolean complete() {
        return !partitions.isEmpty() && atCut.size() == partitions.size();
    }

    /** The marker of the complete cut (any partition's: they describe the same trigger). */
    R cut() {
        if (!complete()) {
            throw new IllegalStateException("the cut is not complete: " + atCut.size() + " of " + partitions.size());
        }
        return atCut.values().iterator().next();
    }

    /** The position of the first record held for partition {@code p} (where reading resumes after a restart). */
    Optional<Long> firstHeld(P p) {
        ArrayDeque<Held<R>> h = held.get(p);
        return h == null || h.isEmpty()
                ? Optional.empty()
                : Optional.of(h.peek().offset());
    }

    /**
     * Ends the complete cut: for each partition in turn, applies its held records up to its next
     * marker, at which the partition stops again ({@code pause}); the rest stays held.
     */
    void release(Consumer<R> apply, Consumer<P> pause) {
        cut();
        atCut.clear();
        for (P p : partitions) {
            ArrayDeque<Held<R>> h = held.remove(p);
            while (h != null && !h.isEmpty() && !atCut.containsKey(p)) {
                R r = h.poll().record();
                if (isCut.test(r)) {
                    atCut.put(p, r);
                    pause.accept(p);
                } else {
                    apply.accept(r);
                }
            }
            if (h != null && !h.isEmpty()) {
                held.put(p, h);
            }
        }
    }
}
