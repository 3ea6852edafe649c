package io.streamrec.flink.serving;

import io.streamrec.serving.ItemTable;
import java.io.Serializable;

/**
 * Where a TaskManager rebuilds its served item table when it has none (a start or a restore):
 * item vectors are not checkpointed, they are read again from the compacted embeddings topic.
 */
@FunctionalInterface
public interface CatalogReplay extends Serializable {
  /** The newest committed version's item table, or null when there is none yet. */
  ItemTable newest() throws Exception;
}
