package io.streamrec.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/** What the cross-module tests start: the job jar, a MiniCluster for it, the model server as a child JVM. */
final class LoopParts {
    private LoopParts() {}

    static Path jobJar() {
        Path jar = Path.of(System.getProperty(
                "streamrec.job.jar", "../flink-jobs/target/streamrec-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
        assertTrue(Files.exists(jar), "no job jar at " + jar + ": build it with mvn package (mvn verify does)");
        return jar;
    }

    /** The configuration the MiniCluster and the job graphs use: any REST port, 256 MB managed memory. */
    static Configuration flinkConf() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, 0);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        return conf;
    }

    /** A MiniCluster with one TaskManager of {@code slots} slots, not started. */
    static MiniCluster miniCluster(Configuration conf, int slots) {
        return new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
    }

    /** {@code java ... Streamrec serve --bootstrap-servers B --topic-prefix P --state-dir D --http off} plus {@code extra}. */
    static List<String> serveCommand(String heap, String bootstrap, String prefix, Path stateDir, String... extra) {
        Path msJar = Path.of(System.getProperty(
                "streamrec.modelServer.jar", "../model-server/target/streamrec-model-server-0.1.0-SNAPSHOT.jar"));
        Path msLib = Path.of(System.getProperty("streamrec.modelServer.lib", "../model-server/target/lib-cpu"));
        assertTrue(
                Files.exists(msJar) && Files.isDirectory(msLib),
                "needs the model server build (mvn verify builds it): " + msJar + ", " + msLib);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "--add-modules",
                "jdk.incubator.vector",
                "-Dai.djl.offline=true",
                "-cp",
                msJar.toAbsolutePath() + File.pathSeparator + msLib.toAbsolutePath() + File.separator + "*",
                "io.streamrec.common.cli.Streamrec",
                "serve",
                "--bootstrap-servers",
                bootstrap,
                "--topic-prefix",
                prefix,
                "--state-dir",
                stateDir.toString(),
                "--http",
                "off"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Starts {@code cmd} with stdout and stderr appended to {@code log}. */
    static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }
}
