package org.hartbatch.ingest.progress;

import java.time.Instant;

/**
 * What is known of one catalog: the value of the catalog progress store.
 *
 * @param catalogId the catalog
 * @param totalJobs jobs enqueued, or {@code null} while no {@code catalog.submitted} was seen
 * @param rejectedLines lines of the submission that were not enqueued
 * @param succeeded jobs that succeeded
 * @param failed jobs whose latest outcome is a failure
 * @param submittedAt when the submission was accepted, or {@code null}
 * @param firstResultAt when the first job of the catalog finished, or {@code null}
 * @param lastUpdateAt time of the latest event applied
 * @param completedAt when {@code catalog.completed} was emitted, or {@code null}
 */
public record CatalogProgress(
    String catalogId,
    Long totalJobs,
    long rejectedLines,
    long succeeded,
    long failed,
    Instant submittedAt,
    Instant firstResultAt,
    Instant lastUpdateAt,
    Instant completedAt) {

  static CatalogProgress empty(String catalogId) {
    return new CatalogProgress(catalogId, null, 0, 0, 0, null, null, null, null);
  }

  CatalogProgress submitted(long totalJobs, long rejectedLines, Instant submittedAt) {
    return new CatalogProgress(
        catalogId,
        totalJobs,
        rejectedLines,
        succeeded,
        failed,
        submittedAt,
        firstResultAt,
        latest(lastUpdateAt, submittedAt),
        completedAt);
  }

  /** Counts a job outcome: {@code succeededDelta} and {@code failedDelta} are -1, 0 or +1. */
  CatalogProgress counted(long succeededDelta, long failedDelta, Instant at) {
    return new CatalogProgress(
        catalogId,
        totalJobs,
        rejectedLines,
        succeeded + succeededDelta,
        failed + failedDelta,
        submittedAt,
        firstResultAt == null ? at : firstResultAt,
        latest(lastUpdateAt, at),
        completedAt);
  }

  CatalogProgress completed(Instant at) {
    return new CatalogProgress(
        catalogId,
        totalJobs,
        rejectedLines,
        succeeded,
        failed,
        submittedAt,
        firstResultAt,
        lastUpdateAt,
        at);
  }

  /** Whether every enqueued job has an outcome. */
  boolean allJobsDone() {
    return totalJobs != null && succeeded + failed >= totalJobs;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null || (b != null && b.isAfter(a)) ? b : a;
  }
}
