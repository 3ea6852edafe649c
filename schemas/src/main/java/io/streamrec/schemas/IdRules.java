package io.streamrec.schemas;

/**
 * The rules every external id follows, on every input (interactions, item events, the changelog and
 * embeddings readers): non-empty, at most a length, not only whitespace, no control characters, valid
 * Unicode. docs/SCHEMAS.md lists them with their reason codes.
 */
public final class IdRules {
    private IdRules() {}

    /**
     * @param field the field's name, for the message ({@code user_id})
     * @throws MalformedRecordException with the first rule {@code id} breaks
     */
    public static void check(String field, CharSequence id, int maxLength) {
        if (id == null || id.length() == 0) {
            throw new MalformedRecordException(
                    ReasonCode.MISSING_ID, field + " is " + (id == null ? "missing" : "empty"));
        }
        if (id.length() > maxLength) {
            throw new MalformedRecordException(
                    ReasonCode.ID_TOO_LONG, field + " has " + id.length() + " characters, the limit is " + maxLength);
        }
        boolean blank = true;
        for (int i = 0; i < id.length() && blank; i++) {
            blank = Character.isWhitespace(id.charAt(i)) || Character.isSpaceChar(id.charAt(i)); // no-break spaces too
        }
        if (blank) {
            throw new MalformedRecordException(
                    ReasonCode.BLANK_ID, field + " is only whitespace (" + id.length() + " characters)");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                throw new MalformedRecordException(
                        ReasonCode.CONTROL_CHARACTER_IN_ID,
                        field + " holds the control character U+" + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        checkUnicode(field, id);
    }

    /** Rejects a string with an unpaired surrogate (not valid Unicode, not encodable as UTF-8). */
    public static void checkUnicode(String field, CharSequence s) {
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new MalformedRecordException(
                        ReasonCode.INVALID_UNICODE,
                        field + " holds an unpaired surrogate U+" + String.format("%04X", (int) c) + " at index " + i);
            }
        }
    }
}
