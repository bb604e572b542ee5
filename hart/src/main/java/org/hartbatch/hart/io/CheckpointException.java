package org.hartbatch.hart.io;

/** A model file is missing, malformed, or does not match the network it is loaded into. */
public class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
