package io.streamrec.model.lightgcn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The suspected native use-after-free (issue 15): training under GC pressure, in a child JVM with
 * {@code -Xcheck:jni} and a small heap, ends exactly where the same seeded training ends without
 * it: no non-finite value, and the tables equal to float precision. The short form runs in the
 * suite; {@code -Dstreamrec.stress.steps=N} (bench/native-stress.sh) runs it longer.
 */
class NativeStressTest {
    @ParameterizedTest
    @EnumSource(
            value = LightGcnConfig.Backend.class,
            names = {"CSR", "DJL"})
    void trainingUnderGcPressureEndsWhereQuietTrainingEnds(LightGcnConfig.Backend backend) throws Exception {
        int steps = Integer.getInteger("streamrec.stress.steps", 300);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xcheck:jni",
                "-Xmx192m",
                "-XX:MaxDirectMemorySize=256m",
                "--add-modules",
                "jdk.incubator.vector",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                NativeStressProbe.class.getName(),
                backend.name(),
                Integer.toString(steps));
        pb.redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1"); // one libtorch thread: the steps are deterministic
        long t0 = System.nanoTime();
        Process proc = pb.start();
        String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = proc.waitFor();
        assertEquals(0, rc, "the child JVM died (exit " + rc + "):\n" + output);
        List<String> lines = output.lines().filter(l -> l.startsWith("STRESS ")).toList();
        assertEquals(1, lines.size(), output);
        String line = lines.get(0);
        System.out.printf("%s backend, %.1f s: %s%n", backend, (System.nanoTime() - t0) / 1e9, line);
        assertTrue(line.contains(" nonfinite=0 "), line);
        double max = Double.parseDouble(line.replaceAll(".* maxdiff=(\\S+) .*", "$1"));
        long gcs = Long.parseLong(line.replaceAll(".* gcs=(\\d+) .*", "$1"));
        assertTrue(gcs >= 10, "the stress thread forced collections during the steps: " + line);
        assertTrue(
                max < 1e-6, "training under GC pressure ended elsewhere than quiet training: " + line + "\n" + output);
        // -Xcheck:jni: a FATAL error (a bad reference, a wrong type) fails; the warnings it prints about
        // DJL's own JNI code (exceptions not checked after a call, 33 local refs for 32) are reported
        assertTrue(
                output.lines().noneMatch(l -> l.contains("FATAL ERROR in native method")),
                "-Xcheck:jni found a JNI misuse:\n" + output);
        System.out.printf(
                "%s backend: %d -Xcheck:jni warnings (DJL's JNI code)%n",
                backend,
                output.lines()
                        .filter(l ->
                                l.startsWith("WARNING in native method") || l.startsWith("WARNING: JNI local refs"))
                        .count());
    }
}
