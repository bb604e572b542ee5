package org.hartbatch.worker.pipeline;

import java.util.List;

/**
 * Jobs rendered together.
 *
 * @param key what the jobs share
 * @param items the jobs, in the order they arrived
 * @param formedAtMillis when the batch was closed
 */
public record Batch(BatchKey key, List<WorkItem> items, long formedAtMillis) {

  public Batch {
    items = List.copyOf(items);
  }

  public int size() {
    return items.size();
  }
}
