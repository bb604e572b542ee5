package org.hartbatch.ingest.enqueue;

/** The catalog is being submitted by another request. */
public final class SubmissionConflictException extends RuntimeException {
  public SubmissionConflictException(String message) {
    super(message);
  }
}
