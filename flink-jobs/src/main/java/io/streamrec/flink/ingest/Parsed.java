package io.streamrec.flink.ingest;

/** What the source yields per Kafka record: an accepted interaction or a dead letter, never both. */
public final class Parsed {
    public Interaction interaction;
    public DeadLetterInfo deadLetter;

    public Parsed() {}

    public static Parsed ok(Interaction i) {
        Parsed p = new Parsed();
        p.interaction = i;
        return p;
    }

    public static Parsed bad(DeadLetterInfo d) {
        Parsed p = new Parsed();
        p.deadLetter = d;
        return p;
    }
}
