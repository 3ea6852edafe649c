package io.streamrec.launcher;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Settings of the Flink MiniCluster that single-machine commands run the graph job on. */
final class LocalFlink {
  /**
   * Managed memory of the local TaskManager: RocksDB's block cache and write buffers come out of
   * it. Flink's local default (128 MiB) made RocksDB flush and compact so often that one
   * adjacency task managed ~25k events/s; see BENCHMARKS.md.
   */
  static final String MANAGED_MEMORY = "1g";

  private LocalFlink() {}

  static Configuration configuration() {
    Configuration c = new Configuration();
    c.set(ConfigOptions.key("taskmanager.memory.managed.size").stringType().noDefaultValue(), MANAGED_MEMORY);
    return c;
  }
}
