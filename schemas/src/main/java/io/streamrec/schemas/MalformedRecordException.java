package io.streamrec.schemas;

/** A record that cannot be accepted, with the code that goes to the dead-letter topic. */
public final class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ReasonCode code;

    public MalformedRecordException(ReasonCode code, String message) {
        super(message, null, false, false); // no stack trace: thrown per bad record on the hot path
        this.code = code;
    }

    public ReasonCode code() {
        return code;
    }
}
