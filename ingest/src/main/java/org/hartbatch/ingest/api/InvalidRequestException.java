package org.hartbatch.ingest.api;

import java.util.List;
import org.hartbatch.ingest.enqueue.RejectedLine;

/** A request parameter or header is wrong; the catalog was not read. */
public final class InvalidRequestException extends RuntimeException {

  private final List<RejectedLine> problems;

  public InvalidRequestException(String message) {
    this(message, List.of());
  }

  public InvalidRequestException(String message, List<RejectedLine> problems) {
    super(message);
    this.problems = List.copyOf(problems);
  }

  public List<RejectedLine> problems() {
    return problems;
  }
}
