package org.hartbatch.protocol.events;

import org.apache.kafka.common.errors.SerializationException;

/** A record on an events topic that is not a readable HART Batch CloudEvent. */
public final class InvalidEventException extends SerializationException {

  public InvalidEventException(String message) {
    super(message);
  }

  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
