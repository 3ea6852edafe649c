package io.streamrec.common;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A child process's tie to the process that started it: when the parent exits, however it exits
 * (SIGKILL and the OOM killer included, where no shutdown hook of the parent runs), the child is
 * told and stops. Without it an orphaned child keeps its ports and its state directory and
 * competes with the parent's replacement.
 *
 * <p>The parent is watched through {@link ProcessHandle#onExit()}, which the JDK serves for any
 * process (by polling for one that is not our own child). Its pid is passed explicitly rather than
 * taken from {@link ProcessHandle#parent()}, because a child reparented before the watch starts
 * would otherwise watch init.
 */
public final class ParentWatch {
    private ParentWatch() {}

    /**
     * Calls {@code onExit} (with the parent's pid) once the process {@code parentPid} has exited;
     * at once if it is not alive now.
     */
    public static void watch(long parentPid, Consumer<Long> onExit) {
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            onExit.accept(parentPid);
            return;
        }
        parent.get().onExit().thenRun(() -> onExit.accept(parentPid));
    }
}
