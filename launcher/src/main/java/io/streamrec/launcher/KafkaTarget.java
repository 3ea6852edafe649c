package io.streamrec.launcher;

import io.streamrec.common.Defaults;
import io.streamrec.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Kafka a tool talks to: bootstrap servers and topic prefix (a picocli mixin of world, replay and tail). */
final class KafkaTarget {
    @Option(
            names = "--bootstrap-servers",
            defaultValue = Defaults.BOOTSTRAP_SERVERS,
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    String bootstrap;

    @Option(
            names = "--topic-prefix",
            defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of every topic name. Default: ${DEFAULT-VALUE}.")
    String topicPrefix;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "Extra Kafka client property (repeatable), the same "
                            + "as graph-job's and serve's, e.g. security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512, sasl.jaas.config=...")
    Map<String, String> properties = new LinkedHashMap<>();

    Topics topics() {
        return new Topics(topicPrefix);
    }
}
