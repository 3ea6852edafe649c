package io.streamrec.launcher;

import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.avro.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces synthetic interactions at a steady rate so the single-machine pipeline has something
 * to chew on: skewed users and items, a mix of event types and removals, Avro and JSON, and one
 * malformed record in a thousand (it lands in the dead-letter topic with its reason).
 */
final class InteractionGenerator implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(InteractionGenerator.class);
  private static final String[] TYPES = {"view", "view", "view", "click", "click", "cart", "purchase", "like", "rate", "remove"};

  private final String bootstrap;
  private final String topic;
  private final int rate;
  private final int users;
  private final int items;
  private final AtomicLong produced = new AtomicLong();
  private volatile boolean running = true;

  InteractionGenerator(String bootstrap, String topic, int rate, int users, int items) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.rate = rate;
    this.users = users;
    this.items = items;
  }

  long produced() {
    return produced.get();
  }

  void stop() {
    running = false;
  }

  @Override
  public void run() {
    SplittableRandom rnd = new SplittableRandom(System.nanoTime());
    AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
    LOG.info("Generating {} interactions/s into {} ({} users, {} items)", rate, topic, users, items);
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
      long start = System.nanoTime();
      for (long k = 0; running; k++) {
        long wait = start + k * 1_000_000_000L / rate - System.nanoTime();
        if (wait > 1_000_000) {
          Thread.sleep(wait / 1_000_000);
        }
        String user = "u" + (int) (Math.pow(rnd.nextDouble(), 1.5) * users);
        String item = "i" + (int) (Math.pow(rnd.nextDouble(), 2.5) * items);
        String type = TYPES[rnd.nextInt(TYPES.length)];
        long now = System.currentTimeMillis();
        byte[] value;
        if (rnd.nextInt(1000) == 0) {
          value = ("{\"user_id\":\"" + user + "\",\"item_id\":\"" + item + "\",\"event_type\":\"teleport\"}").getBytes(StandardCharsets.UTF_8);
        } else if (rnd.nextBoolean()) {
          value = ("{\"user_id\":\"" + user + "\",\"item_id\":\"" + item + "\",\"event_type\":\"" + type
              + "\",\"event_time\":" + now + "}").getBytes(StandardCharsets.UTF_8);
        } else {
          value = codec.encode(new InteractionEvent(user, item, type, null, Instant.ofEpochMilli(now), null));
        }
        producer.send(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8), value));
        produced.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("Generator stopped: {}", e.toString());
      }
    }
  }
}
