package io.streamrec.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.avro.DeadLetter;
import io.streamrec.schemas.avro.GraphChange;
import io.streamrec.schemas.avro.GraphChangeKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar, as {@code flink run} would use it: its main class from the manifest, its
 * classes from the jar through Flink's user-code class loader (this module does not depend on
 * flink-jobs), submitted to a Flink cluster (a MiniCluster with a REST endpoint) against a real
 * Kafka broker.
 */
@SuppressWarnings("try") // MiniCluster.close() declares InterruptedException
class JobJarOnClusterTest {
    @Test
    void shadedJobJarRunsOnAFlinkCluster() throws Exception {
        Path jar = LoopParts.jobJar();
        Path tmp = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "jobjar");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), 0)) {
            Configuration conf = LoopParts.flinkConf();
            try (MiniCluster cluster = LoopParts.miniCluster(conf, 2)) {
                cluster.start();
                PackagedProgram program = PackagedProgram.newBuilder()
                        .setJarFile(jar.toFile())
                        .setConfiguration(conf)
                        .setArguments(
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--topic-prefix",
                                "jar.",
                                "--partitions",
                                "2",
                                "--parallelism",
                                "2",
                                "--checkpoint-dir",
                                tmp.resolve("checkpoints").toUri().toString(),
                                "--checkpoint-interval",
                                "500ms",
                                "--trigger-edges",
                                "500",
                                "--detached")
                        .build();
                assertEquals(
                        "io.streamrec.flink.job.GraphJobMain",
                        program.getMainClassName(),
                        "main class from the manifest");
                JobGraph graph = PackagedProgramUtils.createJobGraph(program, conf, 1, false);
                JobID job = cluster.submitJob(graph).get().getJobID();
                try {
                    Set<String> expected = new HashSet<>();
                    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
                        for (int k = 0; k < 2_000; k++) {
                            String user = "u" + (k % 97);
                            String item = "i" + k;
                            expected.add(user + ">" + item);
                            p.send(new ProducerRecord<>(
                                    "jar.interactions",
                                    user.getBytes(UTF_8),
                                    ("{\"user_id\":\"" + user + "\",\"item_id\":\"" + item
                                                    + "\",\"event_type\":\"view\",\"event_time\":"
                                                    + System.currentTimeMillis() + "}")
                                            .getBytes(UTF_8)));
                        }
                        for (int k = 0; k < 10; k++) {
                            p.send(new ProducerRecord<>("jar.interactions", null, ("not json " + k).getBytes(UTF_8)));
                        }
                    }
                    AvroCodec<GraphChange> changes = AvroCodec.of(GraphChange.class);
                    Set<String> seen = new HashSet<>();
                    Predicate<List<ConsumerRecord<byte[], byte[]>>> allEdges = records -> records.stream()
                                    .filter(r -> changes.decode(r.value()).getKind() != GraphChangeKind.CUT)
                                    .count()
                            >= 2_000;
                    for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readAll(
                            kafka.bootstrapServers(),
                            "jar.graph.edges",
                            allEdges,
                            Duration.ofSeconds(90),
                            Duration.ofSeconds(1))) {
                        GraphChange g = changes.decode(r.value());
                        if (g.getKind() == GraphChangeKind.EDGE_ADDED) {
                            assertTrue(seen.add(g.getUserId() + ">" + g.getItemId()), "edge once: " + g);
                        }
                    }
                    assertEquals(expected, seen);
                    AvroCodec<DeadLetter> letters = AvroCodec.of(DeadLetter.class);
                    List<ConsumerRecord<byte[], byte[]>> dlq = KafkaClients.readAll(
                            kafka.bootstrapServers(),
                            "jar.dlq",
                            r -> r.size() >= 10,
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(1));
                    assertEquals(10, dlq.size());
                    for (ConsumerRecord<byte[], byte[]> r : dlq) {
                        assertEquals("UNDECODABLE", letters.decode(r.value()).getReasonCode());
                    }
                } finally {
                    cluster.cancelJob(job).get();
                }
            }
        }
    }
}
