package org.hartbatch.protocol;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A render job that cannot be accepted. Carries every violated rule, and the job and catalog ids
 * when they could be read, so that a consumer can still report the failure for that job.
 */
public final class InvalidJobException extends Exception {

  private final List<Violation> violations;
  private final String jobId;
  private final String catalogId;

  public InvalidJobException(List<Violation> violations, String jobId, String catalogId) {
    super(describe(violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid job needs at least one violation");
    }
    this.violations = List.copyOf(violations);
    this.jobId = jobId;
    this.catalogId = catalogId;
  }

  private static String describe(List<Violation> violations) {
    return "invalid render job: "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  public List<Violation> violations() {
    return violations;
  }

  /** Every violation as {@code field: message}, separated by {@code "; "}. */
  public String reasons() {
    return violations.stream()
        .map(v -> v.field() + ": " + v.message())
        .collect(Collectors.joining("; "));
  }

  /** The job id as read from the message, when it was a well-formed id. */
  public Optional<String> jobId() {
    return Optional.ofNullable(jobId);
  }

  /** The catalog id as read from the message, when it was a well-formed id. */
  public Optional<String> catalogId() {
    return Optional.ofNullable(catalogId);
  }
}
