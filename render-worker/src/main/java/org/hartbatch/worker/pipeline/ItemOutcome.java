package org.hartbatch.worker.pipeline;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What became of one job of a batch.
 *
 * @param item the job
 * @param kind how it ended
 * @param outputs the records to publish for it; empty when {@link Kind#UNFINISHED}
 */
public record ItemOutcome(WorkItem item, Kind kind, List<ProducerRecord<byte[], byte[]>> outputs) {

  public enum Kind {
    SUCCEEDED,
    FAILED,
    /** Neither: abandoned, or stopped by the worker's shutdown; the job must be taken again. */
    UNFINISHED
  }

  public static ItemOutcome unfinished(WorkItem item) {
    return new ItemOutcome(item, Kind.UNFINISHED, List.of());
  }
}
