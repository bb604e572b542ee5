package org.hartbatch.ingest.enqueue;

/** Kafka did not take some jobs; a re-submission enqueues them without duplicating the others. */
public final class EnqueueFailedException extends RuntimeException {
  public EnqueueFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
