package io.streamrec.kafka.world;

import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.avro.InteractionEvent;
import io.streamrec.schemas.avro.ItemEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link SyntheticWorld} into Kafka at a steady rate: each arriving item to the items topic
 * (with its text) before the next interaction, interactions to the interactions topic (Avro and
 * JSON mixed), and one malformed record in a thousand when asked (it lands in the dead-letter
 * topic with its reason). Stops after {@code limit} interactions, or when {@link #stop} is called.
 */
public final class WorldProducer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorldProducer.class);

    private final SyntheticWorld world;
    private final String bootstrap;
    private Map<String, String> clientProperties = Map.of();
    private final String interactionsTopic;
    private final String itemsTopic;
    private final double rate;
    private final long limit;
    private final boolean malformed;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong malformedSent = new AtomicLong();
    private final AtomicLong catalogSize = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * @param rate interactions per second (0 or less: as fast as the broker takes them)
     * @param limit stop after this many interactions (0: never)
     * @param malformed send one malformed record per thousand (demo of the dead-letter topic)
     */
    public WorldProducer(
            SyntheticWorld world,
            String bootstrap,
            String interactionsTopic,
            String itemsTopic,
            double rate,
            long limit,
            boolean malformed) {
        this.world = world;
        this.bootstrap = bootstrap;
        this.interactionsTopic = interactionsTopic;
        this.itemsTopic = itemsTopic;
        this.rate = rate;
        this.limit = limit;
        this.malformed = malformed;
    }

    /** Extra Kafka client properties for its producer (security settings); returns this. */
    public WorldProducer withClientProperties(Map<String, String> properties) {
        this.clientProperties = Map.copyOf(properties);
        return this;
    }

    /** Interactions sent by this producer (not counting fast-forwarded ones). */
    public long produced() {
        return produced.get();
    }

    /** Malformed records sent (one per thousand when asked for). */
    public long malformedSent() {
        return malformedSent.get();
    }

    /** Items announced on the items topic: the catalog at the start, then every arrival. */
    public long catalogSize() {
        return catalogSize.get();
    }

    /** The world's position: interactions generated since the world began (fast-forward included). */
    public long position() {
        return world.events();
    }

    public void stop() {
        running = false;
    }

    public Throwable failure() {
        return failure;
    }

    public static ItemEvent itemEvent(SyntheticWorld.Item item, long now) {
        Map<String, String> text = new TreeMap<>();
        text.put("title", item.title());
        text.put("description", item.description());
        return ItemEvent.newBuilder()
                .setItemId(item.id())
                .setText(Map.copyOf(text))
                .setVectors(null)
                .setDeleted(false)
                .setEventTime(Instant.ofEpochMilli(now))
                .build();
    }

    /** Sends items to the items topic, keyed by item id. */
    public static void publishItems(
            KafkaProducer<byte[], byte[]> producer, String topic, Collection<SyntheticWorld.Item> items) {
        publishItems(producer, topic, items, AvroCodec.of(ItemEvent.class));
    }

    private static void publishItems(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            Collection<SyntheticWorld.Item> items,
            AvroCodec<ItemEvent> codec) {
        long now = System.currentTimeMillis();
        for (SyntheticWorld.Item it : items) {
            producer.send(new ProducerRecord<>(
                    topic, it.id().getBytes(StandardCharsets.UTF_8), codec.encode(itemEvent(it, now))));
        }
    }

    @Override
    public void run() {
        SplittableRandom rnd = new SplittableRandom(world.events() + 17);
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        AvroCodec<ItemEvent> itemCodec = AvroCodec.of(ItemEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, clientProperties)) {
            publishItems(producer, itemsTopic, world.catalog(), itemCodec);
            producer.flush();
            catalogSize.set(world.catalog().size());
            LOG.info(
                    "World: {} items in the catalog, generating {} interactions{} into {}",
                    world.catalog().size(),
                    rate > 0 ? String.format("%.0f/s", rate) : "as fast as possible",
                    limit > 0 ? " (" + limit + " in all)" : "",
                    interactionsTopic);
            long start = System.nanoTime();
            for (long k = 0; running && (limit == 0 || k < limit); k++) {
                if (rate > 0) {
                    long wait = start + (long) (k * 1e9 / rate) - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
                SyntheticWorld.Interaction e = world.next();
                var arrivals = world.takeArrivals();
                if (!arrivals.isEmpty()) {
                    publishItems(producer, itemsTopic, arrivals, itemCodec);
                    catalogSize.addAndGet(arrivals.size());
                }
                long now = System.currentTimeMillis();
                byte[] value;
                if (malformed && rnd.nextInt(1000) == 0) {
                    value = ("{\"user_id\":\"" + e.user() + "\",\"item_id\":\"" + e.item()
                                    + "\",\"event_type\":\"teleport\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    malformedSent.incrementAndGet();
                } else if (rnd.nextBoolean()) {
                    value = ("{\"user_id\":\"" + e.user() + "\",\"item_id\":\"" + e.item() + "\",\"event_type\":\""
                                    + e.type() + "\",\"event_time\":" + now + "}")
                            .getBytes(StandardCharsets.UTF_8);
                } else {
                    value = codec.encode(
                            new InteractionEvent(e.user(), e.item(), e.type(), null, Instant.ofEpochMilli(now), null));
                }
                producer.send(
                        new ProducerRecord<>(interactionsTopic, e.user().getBytes(StandardCharsets.UTF_8), value));
                produced.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            if (running) {
                LOG.error("World generator stopped: {}", e.toString());
            }
        }
    }
}
