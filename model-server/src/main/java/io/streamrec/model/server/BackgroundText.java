package io.streamrec.model.server;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Item texts waiting for the encoder, encoded on one background thread in chunks (the encoder
 * batches each chunk by length), oldest first; a newer text of a waiting item replaces the older.
 * The model server's thread hands texts in ({@link #submit}) and takes vectors out ({@link #drain}),
 * so the model is only ever touched by that thread and a version never waits for the encoder: an
 * item whose text is not encoded yet is placed as an item without content, and gets its content
 * position in a later version. Progress: a log line every few seconds while texts wait, and the
 * {@code streamrec_model_text_*} gauges.
 */
final class BackgroundText implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundText.class);
    private static final int CHUNK = 256;
    private static final long PROGRESS_MS = 5_000;

    private final ModelServer.TextVectors encoder;
    private final ServerMetrics metrics;
    private final LinkedHashMap<String, String> waiting = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Object[]> done = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long encodedTotal;
    private long sinceLog;
    private long lastLog = System.currentTimeMillis();

    BackgroundText(ModelServer.TextVectors encoder, ServerMetrics metrics) {
        this.encoder = encoder;
        this.metrics = metrics;
        this.thread = new Thread(this::loop, "text-encoder");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code text} of item {@code id} (replacing a waiting older one). */
    void submit(String id, String text) {
        synchronized (waiting) {
            waiting.remove(id);
            waiting.put(id, text);
            metrics.textWaiting.set(waiting.size());
            waiting.notifyAll();
        }
    }

    /** Drops a waiting text (its item was withdrawn). */
    void withdraw(String id) {
        synchronized (waiting) {
            waiting.remove(id);
            metrics.textWaiting.set(waiting.size());
        }
    }

    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** Hands every vector encoded since the last call to {@code sink}; returns how many. */
    int drain(BiConsumer<String, float[]> sink) {
        int n = 0;
        for (Object[] e; (e = done.poll()) != null; n++) {
            sink.accept((String) e[0], (float[]) e[1]);
        }
        return n;
    }

    private void loop() {
        while (running) {
            List<String> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            synchronized (waiting) {
                while (running && waiting.isEmpty()) {
                    try {
                        waiting.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                Iterator<Map.Entry<String, String>> it = waiting.entrySet().iterator();
                while (it.hasNext() && ids.size() < CHUNK) {
                    Map.Entry<String, String> e = it.next();
                    ids.add(e.getKey());
                    texts.add(e.getValue());
                    it.remove();
                }
            }
            if (!running) {
                return;
            }
            long t0 = System.nanoTime();
            try {
                float[][] vectors = encoder.encode(texts);
                if (vectors.length != ids.size()) {
                    throw new IllegalStateException(
                            "the encoder returned " + vectors.length + " vectors for " + ids.size() + " texts");
                }
                for (int k = 0; k < ids.size(); k++) {
                    if (vectors[k] != null) {
                        done.add(new Object[] {ids.get(k), vectors[k]});
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("Encoding {} item texts failed; those items stay without text content", ids.size(), e);
                continue;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            encodedTotal += ids.size();
            sinceLog += ids.size();
            metrics.textEncoded.set(encodedTotal);
            metrics.textPerSecond.set(seconds > 0 ? ids.size() / seconds : 0.0);
            int left = waiting();
            metrics.textWaiting.set(left);
            long now = System.currentTimeMillis();
            if (now - lastLog >= PROGRESS_MS || left == 0) {
                LOG.info(
                        "Encoding item texts: {} encoded ({} since the last line), {} waiting, {} texts/s",
                        encodedTotal,
                        sinceLog,
                        left,
                        String.format("%.0f", metrics.textPerSecond.get()));
                lastLog = now;
                sinceLog = 0;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
