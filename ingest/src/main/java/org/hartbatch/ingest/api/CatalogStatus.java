package org.hartbatch.ingest.api;

import java.time.Duration;
import java.time.Instant;
import org.hartbatch.ingest.progress.CatalogProgress;

/**
 * Progress of a catalog as the API reports it.
 *
 * @param catalogId the catalog
 * @param state {@code WAITING_FOR_MANIFEST} (results seen, submission not yet), {@code QUEUED},
 *     {@code RUNNING} or {@code COMPLETED}
 * @param total jobs enqueued, {@code null} before the manifest is seen
 * @param succeeded jobs that succeeded
 * @param failed jobs that failed
 * @param pending jobs without an outcome yet
 * @param rejectedLines catalog lines that were not enqueued
 * @param submittedAt when the catalog was accepted
 * @param firstResultAt when its first job finished
 * @param lastUpdateAt when it last changed
 * @param completedAt when its last job finished
 * @param imagesPerSecond finished jobs per second since submission
 * @param etaSeconds estimated seconds until every job has finished, at the current rate
 */
public record CatalogStatus(
    String catalogId,
    String state,
    Long total,
    long succeeded,
    long failed,
    Long pending,
    long rejectedLines,
    Instant submittedAt,
    Instant firstResultAt,
    Instant lastUpdateAt,
    Instant completedAt,
    Double imagesPerSecond,
    Long etaSeconds) {

  static CatalogStatus of(CatalogProgress p, Instant now) {
    long done = p.succeeded() + p.failed();
    Long pending = p.totalJobs() == null ? null : Math.max(0, p.totalJobs() - done);
    String state;
    if (p.totalJobs() == null) {
      state = "WAITING_FOR_MANIFEST";
    } else if (p.completedAt() != null) {
      state = "COMPLETED";
    } else {
      state = done == 0 ? "QUEUED" : "RUNNING";
    }
    Instant start = p.submittedAt() != null ? p.submittedAt() : p.firstResultAt();
    Instant end = p.completedAt() != null ? p.completedAt() : now;
    Double rate = null;
    Long eta = null;
    if (start != null && done > 0) {
      double seconds = Math.max(0.001, Duration.between(start, end).toMillis() / 1000.0);
      rate = done / seconds;
      if (pending != null) {
        eta = (long) Math.ceil(pending / rate);
      }
    }
    return new CatalogStatus(
        p.catalogId(),
        state,
        p.totalJobs(),
        p.succeeded(),
        p.failed(),
        pending,
        p.rejectedLines(),
        p.submittedAt(),
        p.firstResultAt(),
        p.lastUpdateAt(),
        p.completedAt(),
        rate,
        eta);
  }
}
