package io.streamrec.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Finds retained checkpoints: {@code <dir>/<job id>/chk-<n>/_metadata}, on any Flink file system. */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * The most recent complete checkpoint under {@code checkpointDir} (any job), by completion time
   * of its metadata file; null when there is none.
   */
  public static String latest(String checkpointDir) {
    try {
      Path root = new Path(checkpointDir);
      FileSystem fs = root.getFileSystem();
      if (!fs.exists(root)) {
        return null;
      }
      Path best = null;
      long bestTime = Long.MIN_VALUE;
      for (FileStatus job : listOrEmpty(fs, root)) {
        if (!job.isDir()) {
          continue;
        }
        for (FileStatus chk : listOrEmpty(fs, job.getPath())) {
          if (!chk.isDir() || !chk.getPath().getName().startsWith("chk-")) {
            continue;
          }
          Path meta = new Path(chk.getPath(), "_metadata");
          if (fs.exists(meta)) {
            long t = fs.getFileStatus(meta).getModificationTime();
            if (t > bestTime) {
              bestTime = t;
              best = chk.getPath();
            }
          }
        }
      }
      return best == null ? null : best.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints under " + checkpointDir, e);
    }
  }

  private static FileStatus[] listOrEmpty(FileSystem fs, Path p) throws IOException {
    FileStatus[] s = fs.listStatus(p);
    return s == null ? new FileStatus[0] : s;
  }
}
