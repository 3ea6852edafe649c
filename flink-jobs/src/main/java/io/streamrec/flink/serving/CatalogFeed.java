package io.streamrec.flink.serving;

import io.streamrec.serving.ServedCatalog;
import java.io.Serializable;

/**
 * Where a TaskManager's served item tables come from in a job that reads the embeddings topic: on
 * a start, the newest committed version rebuilt from the compacted topic (item vectors are not
 * checkpointed); from then on, the topic followed on a thread of its own, outside the serving
 * operator's inputs, so that a version's item vectors reach the catalog while those inputs are
 * backpressured by an interactions backlog. One feed per TaskManager ({@link ServedCatalog#follow}).
 */
public interface CatalogFeed extends ServedCatalog.Feed, Serializable {}
