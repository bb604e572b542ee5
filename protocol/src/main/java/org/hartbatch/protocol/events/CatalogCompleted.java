package org.hartbatch.protocol.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * Every job of a catalog has succeeded or failed. Type {@value EventTypes#CATALOG_COMPLETED},
 * emitted once per catalog.
 *
 * @param catalogId the catalog
 * @param totalJobs jobs of the catalog
 * @param succeeded jobs with a {@code job.succeeded} event
 * @param failed jobs whose last event is {@code job.failed}
 * @param submittedAt when the catalog was submitted
 * @param completedAt when its last job finished
 */
public record CatalogCompleted(
    String catalogId,
    long totalJobs,
    long succeeded,
    long failed,
    Instant submittedAt,
    Instant completedAt)
    implements HartbatchEvent {

  @JsonIgnore
  @Override
  public String eventType() {
    return EventTypes.CATALOG_COMPLETED;
  }

  @JsonIgnore
  @Override
  public String eventId() {
    return catalogId + ":completed";
  }

  @JsonIgnore
  @Override
  public String subject() {
    return catalogId;
  }
}
