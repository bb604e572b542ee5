package org.hartbatch.hart.text;

/**
 * One prompt cannot be encoded; the message says why. Other prompts of the batch are unaffected.
 */
public class InvalidPromptException extends RuntimeException {
  public InvalidPromptException(String reason) {
    super(reason);
  }

  public InvalidPromptException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
