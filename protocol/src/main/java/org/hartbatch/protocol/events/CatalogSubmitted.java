package org.hartbatch.protocol.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * A catalog's jobs are all enqueued; tells progress tracking how many to expect. Type {@value
 * EventTypes#CATALOG_SUBMITTED}, on the catalogs topic (compacted: the latest manifest per catalog
 * wins). A re-submission of the same catalog yields the same job ids and a new manifest.
 *
 * @param catalogId the catalog
 * @param totalJobs distinct jobs enqueued for the catalog
 * @param rejectedLines lines of the submission that were not enqueued
 * @param submittedAt when the submission was accepted
 */
public record CatalogSubmitted(
    String catalogId, long totalJobs, long rejectedLines, Instant submittedAt)
    implements HartbatchEvent {

  @JsonIgnore
  @Override
  public String eventType() {
    return EventTypes.CATALOG_SUBMITTED;
  }

  @JsonIgnore
  @Override
  public String eventId() {
    return catalogId + ":submitted:" + submittedAt.toEpochMilli();
  }

  @JsonIgnore
  @Override
  public String subject() {
    return catalogId;
  }
}
