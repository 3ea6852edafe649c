package io.streamrec.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.KafkaClients;
import io.streamrec.kafka.world.SyntheticWorld;
import io.streamrec.kafka.world.WorldProducer;
import io.streamrec.schemas.AvroCodec;
import io.streamrec.schemas.EmbeddingRecords;
import io.streamrec.schemas.avro.EmbeddingRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * One security path: every component takes the same Kafka client settings the same way
 * ({@code --kafka-property KEY=VALUE}, repeatable). Against an embedded broker with a
 * SASL_PLAINTEXT (PLAIN) listener: wrong credentials are refused; the graph job (the job jar on a
 * MiniCluster), the model server (a child JVM) and the world producer all talk to that listener
 * only, with the same three properties, and the loop closes: a version is published and
 * recommendations come out, read back through SASL as well.
 */
class KafkaSecurityEndToEndTest {
    private static final String PREFIX = "sasl.";

    private static Map<String, String> client(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    private static List<String> asArgs(Map<String, String> properties) {
        List<String> a = new ArrayList<>();
        properties.forEach((k, v) -> a.addAll(List.of("--kafka-property", k + "=" + v)));
        return a;
    }

    @Test
    void everyComponentTalksToASaslListenerWithTheSameSettings() throws Exception {
        Path jar = LoopParts.jobJar();
        Path tmp = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sasl");
        try (EmbeddedKafka kafka = EmbeddedKafka.startWithSasl(tmp.resolve("kafka"), Map.of("streamrec", "s3cret"))) {
            String sasl = kafka.saslBootstrapServers();
            Map<String, String> props = client("streamrec", "s3cret");
            try (Admin wrong = KafkaClients.admin(sasl, client("streamrec", "guess"))) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> wrong.listTopics().names().get(30, TimeUnit.SECONDS));
                assertTrue(
                        e.getCause() instanceof SaslAuthenticationException,
                        "wrong credentials are refused: " + e.getCause());
            }

            Configuration conf = LoopParts.flinkConf();
            try (MiniCluster cluster = LoopParts.miniCluster(conf, 1)) {
                cluster.start();
                List<String> jobArgs = new ArrayList<>(List.of(
                        "--bootstrap-servers",
                        sasl,
                        "--topic-prefix",
                        PREFIX,
                        "--partitions",
                        "1",
                        "--parallelism",
                        "1",
                        "--checkpoint-dir",
                        tmp.resolve("checkpoints").toUri().toString(),
                        "--checkpoint-interval",
                        "500ms",
                        "--trigger-edges",
                        "100000000",
                        "--trigger-interval",
                        "4s",
                        "--detached"));
                jobArgs.addAll(asArgs(props));
                PackagedProgram program = PackagedProgram.newBuilder()
                        .setJarFile(jar.toFile())
                        .setConfiguration(conf)
                        .setArguments(jobArgs.toArray(String[]::new))
                        .build();
                JobID job = cluster.submitJob(PackagedProgramUtils.createJobGraph(program, conf, 1, false))
                        .get()
                        .getJobID();

                Path log = tmp.resolve("model-server.log");
                List<String> cmd = new ArrayList<>(LoopParts.serveCommand(
                        "1g", sasl, PREFIX, tmp.resolve("model-server"), "--no-text", "--initial-epochs", "5"));
                cmd.addAll(asArgs(props));
                Process server = LoopParts.start(cmd, log);
                WorldProducer world = new WorldProducer(
                                new SyntheticWorld(5, 200, 80, 100, 0.002),
                                sasl,
                                PREFIX + "interactions",
                                PREFIX + "items",
                                400,
                                0,
                                false)
                        .withClientProperties(props);
                Thread worldThread = new Thread(world, "world");
                worldThread.start();
                try {
                    AvroCodec<EmbeddingRecord> codec = AvroCodec.of(EmbeddingRecord.class);
                    List<EmbeddingRecord> commits = KafkaClients.readAll(
                                    sasl,
                                    props,
                                    PREFIX + "embeddings",
                                    r -> r.stream()
                                            .anyMatch(x -> x.value() != null
                                                    && EmbeddingRecords.isCommit(codec.decode(x.value()))),
                                    Duration.ofSeconds(150),
                                    Duration.ZERO)
                            .stream()
                            .filter(x -> x.value() != null)
                            .map(x -> codec.decode(x.value()))
                            .filter(EmbeddingRecords::isCommit)
                            .toList();
                    assertFalse(
                            commits.isEmpty(),
                            "a version published through SASL; model server log:\n"
                                    + String.join("\n", Files.readAllLines(log)));
                    assertFalse(
                            KafkaClients.readAll(
                                            sasl,
                                            props,
                                            PREFIX + "recommendations",
                                            r -> r.size() >= 10,
                                            Duration.ofSeconds(60),
                                            Duration.ZERO)
                                    .isEmpty(),
                            "the graph job served recommendations through SASL");
                    assertTrue(
                            world.produced() > 0 && world.failure() == null,
                            "the world produced through SASL: " + world.failure());
                } finally {
                    world.stop();
                    worldThread.join(10_000);
                    server.destroy();
                    server.waitFor(20, TimeUnit.SECONDS);
                    cluster.cancelJob(job).get();
                }
            }
        }
    }
}
