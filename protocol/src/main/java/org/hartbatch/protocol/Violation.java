package org.hartbatch.protocol;

/**
 * One broken rule of a message.
 *
 * @param field JSON path of the offending field, e.g. {@code prompt} or {@code metadata.tag};
 *     {@code $} for the message as a whole
 * @param rule short stable rule name, e.g. {@code required}, {@code range}, {@code max-length}
 * @param message human-readable reason, naming the limit that was broken
 */
public record Violation(String field, String rule, String message) {

  @Override
  public String toString() {
    return field + ": " + message + " [" + rule + "]";
  }
}
