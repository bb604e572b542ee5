package org.hartbatch.ingest.progress;

import java.time.Instant;

/**
 * The latest outcome of one job: the value of the job results store.
 *
 * @param jobId the job
 * @param status {@link Status#SUCCEEDED} or {@link Status#FAILED}
 * @param attempt the attempt that produced the outcome
 * @param bucket bucket of the image, for a success
 * @param key object key of the image, for a success
 * @param contentType media type of the image, for a success
 * @param byteSize size of the image, for a success
 * @param errorCode kind of failure, for a failure
 * @param message reason of a failure
 * @param retriable whether re-submitting a failed job may succeed
 * @param line catalog line the job came from, when known
 * @param clientId the {@code id} the catalog line gave the job, when it gave one
 * @param finishedAt time of the event
 */
public record JobResult(
    String jobId,
    Status status,
    int attempt,
    String bucket,
    String key,
    String contentType,
    Long byteSize,
    String errorCode,
    String message,
    Boolean retriable,
    Long line,
    String clientId,
    Instant finishedAt) {

  /** Terminal outcomes; a job without one is pending. */
  public enum Status {
    SUCCEEDED,
    FAILED
  }
}
