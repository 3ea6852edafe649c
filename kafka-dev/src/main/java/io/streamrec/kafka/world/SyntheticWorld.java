package io.streamrec.kafka.world;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A small synthetic world to run the closed loop on: items belong to latent topics and carry
 * generated text drawn from their topic's vocabulary (so a text encoder places them near their
 * topic); users prefer a few topics and their tastes drift; item popularity is heavy-tailed; new
 * items keep arriving, announced with their text before anyone has interacted with them.
 * Deterministic for a seed: {@link #fastForward} replays a number of events without emitting
 * them, which is how a re-run resumes where the last one stopped.
 */
public final class SyntheticWorld {
    /** Topic vocabularies: each topic's words mean something to a sentence encoder. */
    static final String[][] TOPICS = {
        {
            "galaxy",
            "rocket",
            "astronaut",
            "planet",
            "orbit",
            "telescope",
            "nebula",
            "spaceship",
            "moon",
            "cosmos",
            "asteroid",
            "satellite"
        },
        {
            "recipe",
            "pasta",
            "baking",
            "kitchen",
            "sauce",
            "chef",
            "dessert",
            "bread",
            "spices",
            "soup",
            "grill",
            "vegetables"
        },
        {
            "football",
            "goal",
            "stadium",
            "league",
            "striker",
            "coach",
            "match",
            "tournament",
            "penalty",
            "defender",
            "season",
            "trophy"
        },
        {
            "jazz",
            "saxophone",
            "melody",
            "concert",
            "piano",
            "rhythm",
            "album",
            "band",
            "blues",
            "trumpet",
            "improvisation",
            "song"
        },
        {
            "garden",
            "flowers",
            "roses",
            "soil",
            "seeds",
            "tomatoes",
            "compost",
            "orchard",
            "herbs",
            "greenhouse",
            "pruning",
            "tulips"
        },
        {
            "stocks",
            "investing",
            "market",
            "dividends",
            "portfolio",
            "bonds",
            "inflation",
            "savings",
            "retirement",
            "shares",
            "economy",
            "budget"
        },
        {
            "ghost",
            "haunted",
            "monster",
            "nightmare",
            "vampire",
            "zombie",
            "curse",
            "horror",
            "graveyard",
            "witch",
            "scream",
            "darkness"
        },
        {
            "travel",
            "beach",
            "island",
            "mountains",
            "hotel",
            "passport",
            "journey",
            "adventure",
            "flight",
            "backpacking",
            "tourism",
            "cruise"
        }
    };

    private static final String[] ADJECTIVES = {
        "ultimate",
        "little",
        "complete",
        "secret",
        "modern",
        "classic",
        "wild",
        "hidden",
        "practical",
        "golden",
        "essential",
        "new"
    };
    private static final String[] FORMS = {
        "guide to", "story of", "book about", "collection of", "introduction to", "handbook of", "notes on", "tales of"
    };
    private static final String[] TYPES = {
        "view", "view", "view", "view", "view", "click", "click", "click", "like", "purchase"
    };

    /** An item: its id, its latent topic, its text. */
    public record Item(String id, int topic, String title, String description) {}

    /** One interaction; {@code type} is an event type of the interactions topic ({@code remove} included). */
    public record Interaction(String user, String item, String type) {}

    private final int users;
    private final int newItemEvery;
    private final double drift;
    private final SplittableRandom rnd;
    private final double[][] taste;
    private final List<Set<Integer>> seen = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final List<Double> popularity = new ArrayList<>();
    private final List<List<Integer>> byTopic = new ArrayList<>();
    /** Per topic, running sums of its items' popularity (popularity is fixed when an item arrives): O(log n) picks. */
    private final List<double[]> cumulative = new ArrayList<>();

    private final List<Item> arrived = new ArrayList<>();
    private long events;

    /**
     * @param users how many users
     * @param initialItems catalog size at the start
     * @param newItemEvery a new item arrives every this many interactions (0: never)
     * @param drift per interaction, the chance that the user's taste moves half way to another topic
     */
    public SyntheticWorld(long seed, int users, int initialItems, int newItemEvery, double drift) {
        if (users < 1 || initialItems < TOPICS.length || newItemEvery < 0 || drift < 0 || drift > 1) {
            throw new IllegalArgumentException("world: users >= 1, items >= " + TOPICS.length
                    + ", new-item interval >= 0 and " + "drift in [0, 1] expected; got " + users + ", " + initialItems
                    + ", " + newItemEvery + ", " + drift);
        }
        this.users = users;
        this.newItemEvery = newItemEvery;
        this.drift = drift;
        this.rnd = new SplittableRandom(seed);
        for (int t = 0; t < TOPICS.length; t++) {
            byTopic.add(new ArrayList<>());
            cumulative.add(new double[16]);
        }
        for (int i = 0; i < initialItems; i++) {
            addItem(i % TOPICS.length);
        }
        arrived.clear();
        taste = new double[users][];
        for (int u = 0; u < users; u++) {
            taste[u] = new double[TOPICS.length];
            int main = rnd.nextInt(TOPICS.length);
            int second = rnd.nextInt(TOPICS.length);
            for (int t = 0; t < TOPICS.length; t++) {
                taste[u][t] = 0.1 / TOPICS.length;
            }
            taste[u][main] += 0.7;
            taste[u][second] += 0.2;
            seen.add(new HashSet<>());
        }
    }

    public static int topics() {
        return TOPICS.length;
    }

    /** The catalog so far, in arrival order. */
    public List<Item> catalog() {
        return List.copyOf(items);
    }

    /** Items that arrived since the last call (publish them before the next interaction). */
    public List<Item> takeArrivals() {
        List<Item> out = List.copyOf(arrived);
        arrived.clear();
        return out;
    }

    public long events() {
        return events;
    }

    /** A user's current favourite topic. */
    public int favouriteTopic(String user) {
        double[] t = taste[Integer.parseInt(user.substring(user.indexOf('-') + 1))];
        int best = 0;
        for (int k = 1; k < t.length; k++) {
            if (t[k] > t[best]) {
                best = k;
            }
        }
        return best;
    }

    public static String userId(int u) {
        return String.format("user-%05d", u);
    }

    /** The next interaction (new items may arrive first: see {@link #takeArrivals}). */
    public Interaction next() {
        events++;
        if (newItemEvery > 0 && events % newItemEvery == 0) {
            addItem(rnd.nextInt(TOPICS.length));
        }
        int u = (int) (Math.pow(rnd.nextDouble(), 1.6) * users);
        double[] t = taste[u];
        if (rnd.nextDouble() < drift) {
            int to = rnd.nextInt(TOPICS.length);
            for (int k = 0; k < t.length; k++) {
                t[k] = 0.5 * t[k] + (k == to ? 0.5 : 0);
            }
        }
        Set<Integer> mine = seen.get(u);
        if (!mine.isEmpty() && rnd.nextInt(100) == 0) {
            Integer gone = mine.iterator().next();
            mine.remove(gone);
            return new Interaction(userId(u), items.get(gone).id(), "remove");
        }
        int topic = pick(t);
        int item = -1;
        for (int attempt = 0; attempt < 8 && (item < 0 || mine.contains(item)); attempt++) {
            item = pickItem(topic);
        }
        mine.add(item);
        return new Interaction(userId(u), items.get(item).id(), TYPES[rnd.nextInt(TYPES.length)]);
    }

    /** Replays {@code n} events without emitting them (and drops their arrivals). */
    public void fastForward(long n) {
        for (long k = 0; k < n; k++) {
            next();
        }
        arrived.clear();
    }

    private int pick(double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double x = rnd.nextDouble() * sum;
        for (int k = 0; k < weights.length; k++) {
            x -= weights[k];
            if (x <= 0) {
                return k;
            }
        }
        return weights.length - 1;
    }

    private int pickItem(int topic) {
        List<Integer> pool = byTopic.get(topic);
        double[] c = cumulative.get(topic);
        int n = pool.size();
        double x = rnd.nextDouble() * c[n - 1];
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) { // the first item whose running sum reaches x
            int mid = (lo + hi) >>> 1;
            if (c[mid] >= x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return pool.get(lo);
    }

    private void addItem(int topic) {
        String[] words = TOPICS[topic];
        String w1 = words[rnd.nextInt(words.length)];
        String w2 = words[rnd.nextInt(words.length)];
        String title = "The " + ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + " " + FORMS[rnd.nextInt(FORMS.length)]
                + " " + w1 + " and " + w2;
        String description = "All about " + words[rnd.nextInt(words.length)] + ", " + words[rnd.nextInt(words.length)]
                + " and " + words[rnd.nextInt(words.length)] + ".";
        int index = items.size();
        Item item = new Item(String.format("item-%06d", index), topic, title, description);
        items.add(item);
        // heavy tail: Pareto(1.2) popularity, capped; a newcomer gets a little head start
        double pop = Math.min(50, Math.pow(1 - rnd.nextDouble(), -1 / 1.2));
        popularity.add(events > 0 ? pop + 2 : pop);
        List<Integer> pool = byTopic.get(topic);
        double[] c = cumulative.get(topic);
        if (pool.size() == c.length) {
            c = Arrays.copyOf(c, c.length * 2);
            cumulative.set(topic, c);
        }
        c[pool.size()] = (pool.isEmpty() ? 0 : c[pool.size() - 1]) + popularity.get(index);
        pool.add(index);
        arrived.add(item);
    }
}
