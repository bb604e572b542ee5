package org.hartbatch.worker.pipeline;

import org.hartbatch.protocol.RenderJob;

/**
 * A valid job taken from the jobs topic, on its way through the pipeline.
 *
 * @param progress the partition ledger it belongs to; its outcome is dropped when the partition has
 *     been revoked or rewound since
 * @param offset its record offset
 * @param job the job
 * @param attempt 1, or 2 when an earlier owner of the partition may already have stored its image
 * @param takenAtMillis when the worker took it from the topic
 */
public record WorkItem(
    PartitionProgress progress, long offset, RenderJob job, int attempt, long takenAtMillis) {

  /** Whether its image may already be stored: then the store is asked before rendering. */
  public boolean mayBeStored() {
    return attempt > 1;
  }
}
