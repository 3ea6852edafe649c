package io.streamrec.flink.io;

import io.streamrec.common.KafkaProperties;
import io.streamrec.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates streamrec's topics with the settings they need, on any cluster; existing topics are
 * left as they are (a partition count that differs from the request is logged).
 *
 * <ul>
 *   <li>{@code items}, {@code embeddings}: compacted (latest record per key);
 *   <li>{@code graph.edges}: kept forever ({@code retention.ms=-1}): the model server rebuilds
 *       from its snapshot plus the changelog after it;
 *   <li>{@code dlq}: up to 4 MiB per record, so an oversized input fits whole with its reason.
 * </ul>
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    private static Admin admin(String bootstrapServers, Map<String, String> kafkaProperties) {
        Properties p = KafkaProperties.admin(
                bootstrapServers, Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"));
        p.putAll(kafkaProperties);
        return Admin.create(p);
    }

    /**
     * Waits until every partition of new topics answers a leader-only request. Metadata names a
     * leader slightly before the broker accepts writes; an idempotent producer whose first batch
     * meets that window can be left retrying it forever (seen on the embedded broker).
     */
    private static void awaitWritable(Admin admin, List<NewTopic> created) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (NewTopic t : created) {
            for (int p = 0; p < t.numPartitions(); p++) {
                request.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "new topics did not become writable within 60 s: " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The partition count of an existing topic, with a clear error when it does not exist. */
    public static int partitionsOf(String bootstrapServers, Map<String, String> kafkaProperties, String topic) {
        try (Admin admin = admin(bootstrapServers, kafkaProperties)) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot describe topic " + topic + " on " + bootstrapServers
                            + " (create the topics first, or drop --no-create-topics): "
                            + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e);
        }
    }

    /**
     * Partition counts: {@code topics.partitions} for keyed topics, 1 for triggers and embeddings (a
     * version is one ordered run of records ending in its COMMIT).
     */
    public static Map<String, Integer> ensureTopics(
            String bootstrapServers,
            Map<String, String> kafkaProperties,
            Topics topics,
            int partitions,
            short replication) {
        if (partitions < 1 || replication < 1) {
            throw new IllegalArgumentException(
                    "partitions and replication must be at least 1, got " + partitions + ", " + replication);
        }
        try (Admin admin = admin(bootstrapServers, kafkaProperties)) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String name : topics.all()) {
                int n = name.equals(topics.trainingTriggers()) || name.equals(topics.embeddings()) ? 1 : partitions;
                Map<String, String> cfg = new HashMap<>();
                if (name.equals(topics.items()) || name.equals(topics.embeddings())) {
                    cfg.put("cleanup.policy", "compact");
                }
                if (name.equals(topics.graphEdges())) {
                    cfg.put("retention.ms", "-1");
                }
                if (name.equals(topics.deadLetters())) {
                    cfg.put("max.message.bytes", String.valueOf(4 * 1024 * 1024));
                }
                wanted.add(new NewTopic(name, n, replication).configs(cfg));
            }
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                awaitWritable(admin, missing);
                LOG.info(
                        "Created topics {}",
                        missing.stream().map(NewTopic::name).toList());
            }
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics.all()).allTopicNames().get(60, TimeUnit.SECONDS);
            Map<String, Integer> counts = new HashMap<>();
            for (NewTopic t : wanted) {
                int actual = described.get(t.name()).partitions().size();
                counts.put(t.name(), actual);
                if (actual != t.numPartitions()) {
                    LOG.warn(
                            "Topic {} has {} partitions, not the configured {} (left as it is)",
                            t.name(),
                            actual,
                            t.numPartitions());
                }
            }
            return counts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create streamrec topics on " + bootstrapServers + ": "
                            + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e);
        }
    }
}
