package io.streamrec.model.lightgcn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Native memory stays flat while training: resident memory after 1,000 steps is within 10% of
 * resident memory after 100 (one leaked tensor per step would grow it by megabytes a step).
 */
class NativeMemoryTest {
    @ParameterizedTest
    @EnumSource(
            value = LightGcnConfig.Backend.class,
            names = {"CSR", "DJL"})
    void residentMemoryIsFlatOverOneThousandSteps(LightGcnConfig.Backend backend) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs /proc (Linux) to read resident memory");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xms256m",
                "-Xmx256m",
                "-XX:+AlwaysPreTouch",
                "--add-modules",
                "jdk.incubator.vector",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                NativeMemoryProbe.class.getName(),
                backend.name(),
                "1000");
        pb.redirectErrorStream(true);
        // Small tensors: libtorch's OpenMP workers would only spin against the other core.
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process proc = pb.start();
        String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), output);
        List<String> lines = output.lines().filter(l -> l.startsWith("RSS_KB ")).toList();
        assertEquals(1, lines.size(), output);
        String[] f = lines.get(0).split(" ");
        long at100 = Long.parseLong(f[1]);
        long at1000 = Long.parseLong(f[2]);
        assertTrue(at100 > 0, output);
        double growth = (double) at1000 / at100 - 1;
        System.out.printf(
                "%s backend: RSS %d MB after 100 steps, %d MB after 1000 (%+.1f%%)%n",
                backend, at100 / 1024, at1000 / 1024, growth * 100);
        assertTrue(
                growth <= 0.10,
                String.format(
                        "%s backend: RSS grew %.1f%% from step 100 (%d kB) to step 1000 (%d kB)",
                        backend, growth * 100, at100, at1000));
    }
}
