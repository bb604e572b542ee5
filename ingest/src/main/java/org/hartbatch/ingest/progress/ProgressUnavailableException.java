package org.hartbatch.ingest.progress;

/** Progress cannot be read now (starting, rebalancing); the client should retry shortly. */
public final class ProgressUnavailableException extends RuntimeException {
  public ProgressUnavailableException(String message) {
    super(message);
  }

  public ProgressUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
