package io.streamrec.launcher;

import io.streamrec.schemas.Topics;
import picocli.CommandLine.Option;

/** The Kafka a tool talks to: bootstrap servers and topic prefix (a picocli mixin of world, replay and tail). */
final class KafkaTarget {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX, description = "Prefix of every topic name. Default: ${DEFAULT-VALUE}.")
  String topicPrefix;

  Topics topics() {
    return new Topics(topicPrefix);
  }
}
