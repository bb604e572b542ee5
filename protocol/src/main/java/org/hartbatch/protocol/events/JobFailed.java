package org.hartbatch.protocol.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.Violation;

/**
 * A job was given up. Type {@value EventTypes#JOB_FAILED}.
 *
 * @param jobId the job
 * @param catalogId its catalog
 * @param errorCode the kind of failure
 * @param message human-readable reason
 * @param retriable whether submitting the job again may succeed (the failure was transient, e.g.
 *     the store stayed unavailable past the retry budget)
 * @param attempt 1 for the first delivery of the job to a worker, 2 after one redelivery, ...
 * @param violations the broken rules when {@code errorCode} is {@link ErrorCode#INVALID_JOB}, else
 *     empty
 * @param metadata the job's metadata, echoed when it could be read
 */
public record JobFailed(
    String jobId,
    String catalogId,
    ErrorCode errorCode,
    String message,
    boolean retriable,
    int attempt,
    List<Violation> violations,
    Map<String, String> metadata)
    implements HartbatchEvent {

  public JobFailed {
    violations = violations == null ? List.of() : List.copyOf(violations);
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  /**
   * The failure event of a job record that broke the contract, when its job and catalog ids could
   * be read; without them there is nothing to attribute the failure to, and only the dead letter
   * remains.
   */
  public static Optional<JobFailed> ofInvalidJob(InvalidJobException invalid, int attempt) {
    if (invalid.jobId().isEmpty() || invalid.catalogId().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new JobFailed(
            invalid.jobId().get(),
            invalid.catalogId().get(),
            ErrorCode.INVALID_JOB,
            invalid.reasons(),
            false,
            attempt,
            invalid.violations(),
            null));
  }

  @JsonIgnore
  @Override
  public String eventType() {
    return EventTypes.JOB_FAILED;
  }

  /** A job may fail once per attempt; the id tells attempts apart. */
  @JsonIgnore
  @Override
  public String eventId() {
    return jobId + ":failed:" + attempt;
  }

  @JsonIgnore
  @Override
  public String subject() {
    return jobId;
  }
}
