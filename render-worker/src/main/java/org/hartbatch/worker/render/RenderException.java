package org.hartbatch.worker.render;

import org.hartbatch.protocol.events.ErrorCode;

/** A batch failed as a whole. When it had one row, that row fails with {@link #code()}. */
public class RenderException extends Exception {

  private final ErrorCode code;

  public RenderException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public RenderException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ErrorCode code() {
    return code;
  }
}
