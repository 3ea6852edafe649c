package io.streamrec.schemas;

import java.util.Locale;

/**
 * Interaction kinds and the edge weight each adds when the event carries no {@code value}.
 * {@link #REMOVE} deletes the user-item edge (an unlike, a removal from a list, a GDPR erase).
 */
public enum EventType {
    VIEW(1f),
    CLICK(1f),
    CART(2f),
    PURCHASE(4f),
    LIKE(3f),
    RATE(1f),
    REMOVE(0f);

    private final float defaultWeight;

    EventType(float defaultWeight) {
        this.defaultWeight = defaultWeight;
    }

    public float defaultWeight() {
        return defaultWeight;
    }

    /** Case-insensitive lookup; null when unknown. */
    public static EventType parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s.length()) {
            case 4:
                if (s.equalsIgnoreCase("view")) return VIEW;
                if (s.equalsIgnoreCase("cart")) return CART;
                if (s.equalsIgnoreCase("like")) return LIKE;
                if (s.equalsIgnoreCase("rate")) return RATE;
                return null;
            case 5:
                return s.equalsIgnoreCase("click") ? CLICK : null;
            case 6:
                return s.equalsIgnoreCase("remove") ? REMOVE : null;
            case 8:
                return s.equalsIgnoreCase("purchase") ? PURCHASE : null;
            default:
                return null;
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
