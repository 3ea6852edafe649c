package io.streamrec.launcher;

import io.streamrec.common.Durations;
import io.streamrec.flink.Checkpoints;
import io.streamrec.flink.GraphJobConfig;
import io.streamrec.flink.GraphJobRunner;
import io.streamrec.flink.kafka.TopicProvisioner;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.schemas.InteractionValidator;
import io.streamrec.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The streaming pipeline on one machine: a real Kafka broker and the graph job on a local Flink
 * MiniCluster, state and log under one directory. Ctrl-C stops it (checkpoint kept); running it
 * again resumes from the latest checkpoint, so no accepted event is lost or counted twice.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the streaming pipeline on this machine: an embedded Kafka broker (KRaft) and the graph job "
        + "on a local Flink cluster. Produce interactions (Avro or JSON) to <prefix>interactions on the printed "
        + "bootstrap address. Ctrl-C stops; a re-run resumes from the latest checkpoint."})
public final class PipelineCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineCommand.class);

  @Option(names = "--dir", defaultValue = "runs/pipeline", description = "State directory (Kafka log, checkpoints). Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the embedded broker (0: any free port). Default: ${DEFAULT-VALUE}.")
  int kafkaPort;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX, description = "Prefix of every topic name. Default: ${DEFAULT-VALUE}.")
  String topicPrefix;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the keyed topics. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the graph job. Default: ${DEFAULT-VALUE}.")
  int parallelism;

  @Option(names = "--trigger-edges", defaultValue = "50000", description = "Training trigger every this many changelog edges. Default: ${DEFAULT-VALUE}.")
  long triggerEdges;

  @Option(names = "--trigger-interval", defaultValue = "60s", converter = Durations.class, description = "...or this often. Default: ${DEFAULT-VALUE}.")
  Duration triggerInterval;

  @Option(names = "--checkpoint-interval", defaultValue = "2s", converter = Durations.class, description = "Checkpoint interval. Default: ${DEFAULT-VALUE}.")
  Duration checkpointInterval;

  @Option(names = "--fresh", description = "Ignore existing checkpoints and start the graph job from the topics' beginning.")
  boolean fresh;

  @Option(names = "--status-every", defaultValue = "10s", converter = Durations.class, description = "How often to print a status line. Default: ${DEFAULT-VALUE}.")
  Duration statusEvery;

  @Option(names = "--generate-rate", defaultValue = "1000",
      description = "Synthetic interactions per second to produce (0: none; produce your own). Default: ${DEFAULT-VALUE}.")
  int generateRate;

  @Option(names = "--generate-users", defaultValue = "10000", description = "Users of the synthetic interactions. Default: ${DEFAULT-VALUE}.")
  int generateUsers;

  @Option(names = "--generate-items", defaultValue = "2000", description = "Items of the synthetic interactions. Default: ${DEFAULT-VALUE}.")
  int generateItems;

  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    if (generateRate < 0 || generateUsers < 1 || generateItems < 1 || partitions < 1 || parallelism < 1) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--generate-rate must be >= 0; --generate-users, --generate-items, --partitions and --parallelism >= 1");
    }
    Files.createDirectories(dir);
    Topics topics = new Topics(topicPrefix);
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort);
    String bootstrap = kafka.bootstrapServers();
    String checkpointDir = dir.resolve("checkpoints").toAbsolutePath().toUri().toString();
    String restore = fresh ? null : Checkpoints.latest(checkpointDir);
    int edgePartitions = TopicProvisioner.ensureTopics(bootstrap, Map.of(), topics, partitions, (short) 1).get(topics.graphEdges());
    GraphJobConfig cfg = new GraphJobConfig(bootstrap, topics, "streamrec-graph-job", parallelism, edgePartitions,
        triggerEdges, triggerInterval, InteractionValidator.defaults(), Duration.ZERO, checkpointDir, checkpointInterval,
        restore, Duration.ofMinutes(10), Map.of());
    JobClient job = GraphJobRunner.start(cfg, GraphJobRunner.localDefaults());
    System.out.println("streamrec pipeline running. Kafka: " + bootstrap + "  topics: " + topics.prefix() + "*  "
        + (restore == null ? "(fresh start)" : "(resumed from " + restore + ")") + "  Ctrl-C stops.");

    InteractionGenerator generator = generateRate == 0 ? null
        : new InteractionGenerator(bootstrap, topics.interactions(), generateRate, generateUsers, generateItems);
    if (generator != null) {
      Thread t = new Thread(generator, "interaction-generator");
      t.setDaemon(true);
      t.start();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch statusClosed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping = true;
      if (generator != null) {
        generator.stop();
      }
      LOG.info("Stopping: cancelling the graph job (its checkpoints are kept) and the broker");
      try {
        job.cancel().get();
      } catch (Exception e) {
        LOG.warn("Cancelling the graph job: {}", e.toString());
      }
      try {
        statusClosed.await(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      kafka.close();
      stopped.countDown();
    }, "streamrec-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (PipelineStatus status = new PipelineStatus(bootstrap, topics, cfg.groupId())) {
      long next = System.nanoTime() + statusEvery.toNanos();
      while (!stopping && !job.getJobExecutionResult().isDone()) {
        Thread.sleep(100);
        if (stopping || job.getJobExecutionResult().isDone() || System.nanoTime() < next) {
          continue;
        }
        next = System.nanoTime() + statusEvery.toNanos();
        try {
          LOG.info(status.line());
        } catch (Exception e) {
          LOG.debug("status: {}", e.toString());
        }
      }
    } finally {
      statusClosed.countDown();
    }
    if (stopping) {
      stopped.await(); // Ctrl-C: the hook cancels the job and stops the broker
      return 0;
    }
    job.getJobExecutionResult().get(); // the job ended by itself: report why (the hook still stops the broker)
    return 0;
  }
}
