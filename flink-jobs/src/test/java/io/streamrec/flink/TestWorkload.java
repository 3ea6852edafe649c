package io.streamrec.flink;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.ReasonCode;
import io.streamrec.schemas.avro.InteractionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded stream of interaction records (Avro and JSON, with malformed ones of every kind) and
 * what the graph job must make of it: the edge changes per user, in order, and the reason code
 * of every malformed record.
 */
final class TestWorkload {
    static final ReasonCode[] BAD_KINDS = {
        ReasonCode.MISSING_ID,
        ReasonCode.ID_TOO_LONG,
        ReasonCode.UNKNOWN_EVENT_TYPE,
        ReasonCode.NON_FINITE_VALUE,
        ReasonCode.FUTURE_EVENT_TIME,
        ReasonCode.BAD_EVENT_TIME,
        ReasonCode.UNDECODABLE,
        ReasonCode.OVERSIZED
    };

    /** Key and value of every record, in production order. */
    final List<byte[][]> records = new ArrayList<>();
    /** Base64 of each malformed value → the reason it must be dead-lettered with. */
    final Map<String, ReasonCode> malformed = new HashMap<>();
    /** Expected changelog, "user item +|- weight", per user in order. */
    final Map<String, List<String>> changesByUser = new LinkedHashMap<>();
    /** Current adjacency during generation: user → item → accumulated weight. */
    final Map<String, Map<String, Float>> adjacency = new HashMap<>();

    int validEvents;

    private final Random rnd;
    private final AvroCodec<InteractionEvent> avro = AvroCodec.of(InteractionEvent.class);
    private final long baseTime = System.currentTimeMillis() - 86_400_000L;
    private final int users;
    private final int items;
    private long n;

    TestWorkload(long seed, int users, int items) {
        this.rnd = new Random(seed);
        this.users = users;
        this.items = items;
    }

    /** Appends {@code total} records of which {@code badPerKind} of each malformed kind, shuffled in. */
    TestWorkload generate(int total, int badPerKind) {
        int bad = badPerKind * BAD_KINDS.length;
        List<Integer> badSlots = new ArrayList<>();
        for (int k = 0; k < bad; k++) {
            badSlots.add(k);
        }
        double badShare = (double) bad / total;
        int badDone = 0;
        for (int i = 0; i < total; i++) {
            int remaining = total - i;
            boolean makeBad = badDone < bad && (remaining <= bad - badDone || rnd.nextDouble() < badShare);
            if (makeBad) {
                addMalformed(BAD_KINDS[badDone % BAD_KINDS.length]);
                badDone++;
            } else {
                addValid();
            }
        }
        return this;
    }

    private void addValid() {
        String user = "u" + rnd.nextInt(users);
        Map<String, Float> adj = adjacency.computeIfAbsent(user, u -> new HashMap<>());
        double r = rnd.nextDouble();
        String type;
        String item;
        Double value = null;
        if (r < 0.05 && !adj.isEmpty()) {
            type = "remove";
            item = rnd.nextDouble() < 0.9
                    ? new ArrayList<>(adj.keySet()).get(rnd.nextInt(adj.size()))
                    : "i" + rnd.nextInt(items);
        } else {
            // popularity skew: the square of a uniform favours low item ids
            double u = rnd.nextDouble();
            item = "i" + (int) (u * u * items);
            type = r < 0.55 ? "view" : r < 0.80 ? "click" : r < 0.88 ? "purchase" : r < 0.95 ? "like" : "rate";
            if (type.equals("rate")) {
                value = (double) (1 + rnd.nextInt(5));
            }
        }
        long time = baseTime + (n++);
        byte[] bytes =
                rnd.nextDouble() < 0.3 ? json(user, item, type, value, time) : avro(user, item, type, value, time);
        records.add(new byte[][] {user.getBytes(UTF_8), bytes});
        validEvents++;
        float w = value != null ? value.floatValue() : weightOf(type);
        List<String> changes = changesByUser.computeIfAbsent(user, u -> new ArrayList<>());
        if (type.equals("remove")) {
            Float had = adj.remove(item);
            if (had != null) {
                changes.add(user + " " + item + " - " + had);
            }
        } else {
            Float had = adj.get(item);
            if (had == null) {
                adj.put(item, w);
                changes.add(user + " " + item + " + " + w);
            } else {
                adj.put(item, had + w);
            }
        }
    }

    /**
     * Appends a {@code remove} for every edge still in the graph. Each removal's changelog entry
     * carries the weight the job accumulated for the edge, so the checked changelog then proves
     * the final adjacency: every event applied exactly once, weights included.
     */
    TestWorkload removeEverything() {
        for (Map.Entry<String, Map<String, Float>> u : adjacency.entrySet()) {
            for (Map.Entry<String, Float> e : u.getValue().entrySet()) {
                records.add(new byte[][] {
                    u.getKey().getBytes(UTF_8), avro(u.getKey(), e.getKey(), "remove", null, baseTime + (n++))
                });
                changesByUser
                        .computeIfAbsent(u.getKey(), k -> new ArrayList<>())
                        .add(u.getKey() + " " + e.getKey() + " - " + e.getValue());
                validEvents++;
            }
            u.getValue().clear();
        }
        return this;
    }

    private static float weightOf(String type) {
        return switch (type) {
            case "purchase" -> 4f;
            case "like" -> 3f;
            case "cart" -> 2f;
            default -> 1f;
        };
    }

    private void addMalformed(ReasonCode kind) {
        long id = n++;
        String user = "bad" + id;
        long time = baseTime + id;
        byte[] bytes = switch (kind) {
            case MISSING_ID ->
                id % 2 == 0
                        ? ("{\"item_id\":\"i1\",\"event_type\":\"view\",\"event_time\":" + time + "}").getBytes(UTF_8)
                        : avro("", "i" + id, "view", null, time);
            case ID_TOO_LONG -> avro(user, "i".repeat(300) + id, "click", null, time);
            case UNKNOWN_EVENT_TYPE -> json(user, "i1", "teleport" + id, null, time);
            case NON_FINITE_VALUE ->
                avro(user, "i1", "rate", id % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY, time);
            case FUTURE_EVENT_TIME ->
                avro(user, "i1", "view", null, System.currentTimeMillis() + 30L * 86_400_000L + id);
            case BAD_EVENT_TIME ->
                ("{\"user_id\":\"" + user + "\",\"item_id\":\"i1\",\"event_type\":\"view\",\"event_time\":\"soon-" + id
                                + "\"}")
                        .getBytes(UTF_8);
            case UNDECODABLE ->
                switch ((int) (id % 3)) {
                    case 0 -> ("garbage-" + id).getBytes(UTF_8);
                    case 1 -> {
                        byte[] full = avro(user, "i1", "view", null, time);
                        yield Arrays.copyOf(full, full.length - 4); // truncated Avro
                    }
                    default -> ("{\"user_id\":\"" + user + "\",\"item_id\":").getBytes(UTF_8); // broken JSON
                };
            case OVERSIZED ->
                ("{\"user_id\":\"" + user + "\",\"item_id\":\"i1\",\"event_type\":\"view\",\"event_time\":" + time
                                + ",\"properties\":{\"blob\":\"" + "x".repeat(70_000) + "\"}}")
                        .getBytes(UTF_8);
            default -> throw new IllegalArgumentException(kind.name());
        };
        String b64 = Base64.getEncoder().encodeToString(bytes);
        if (malformed.put(b64, kind) != null) {
            throw new IllegalStateException("duplicate malformed record " + kind);
        }
        records.add(new byte[][] {user.getBytes(UTF_8), bytes});
    }

    private byte[] avro(String user, String item, String type, Double value, long time) {
        return avro.encode(new InteractionEvent(user, item, type, value, Instant.ofEpochMilli(time), null));
    }

    private static byte[] json(String user, String item, String type, Double value, long time) {
        return ("{\"user_id\":\"" + user + "\",\"item_id\":\"" + item + "\",\"event_type\":\"" + type + "\""
                        + (value == null ? "" : ",\"value\":" + value) + ",\"event_time\":" + time + "}")
                .getBytes(UTF_8);
    }

    int expectedChanges() {
        return changesByUser.values().stream().mapToInt(List::size).sum();
    }
}
