package io.streamrec.model.lightgcn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc/self/status (Linux); -1 elsewhere. Includes native (libtorch) memory. */
public final class ResidentMemory {
    private ResidentMemory() {}

    /** Current resident set size, kB. */
    public static long currentKb() {
        return field("VmRSS:");
    }

    /** Peak resident set size, kB. */
    public static long peakKb() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
