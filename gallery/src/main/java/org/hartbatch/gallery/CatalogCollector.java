package org.hartbatch.gallery;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.events.JobSucceeded;

/**
 * What the gallery has read of one catalog that has not completed yet: the jobs (for their prompts)
 * and their successes (for the image keys), at most {@code maxEntries} jobs, so a catalog of
 * millions of jobs costs a bounded amount of memory and gets a page of its first jobs.
 */
final class CatalogCollector {

  /** The job metadata entry with the catalog line (set by ingest). */
  static final String LINE_METADATA = "hartbatch.line";

  private final int maxEntries;
  private final Map<String, RenderJob> jobs = new HashMap<>();
  private final Map<String, JobSucceeded> successes = new HashMap<>();

  CatalogCollector(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  void onJob(RenderJob job) {
    if (jobs.containsKey(job.jobId()) || jobs.size() < maxEntries) {
      jobs.put(job.jobId(), job);
    }
  }

  /** Successes may be read before their jobs; a second allowance of entries waits for those. */
  void onSucceeded(JobSucceeded succeeded) {
    if (jobs.containsKey(succeeded.jobId()) || successes.size() < 2 * maxEntries) {
      successes.put(succeeded.jobId(), succeeded);
    }
  }

  /** The output prefix of the catalog's jobs, or {@code null}. */
  String outputPrefix() {
    return jobs.values().stream()
        .map(RenderJob::outputPrefix)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** The rendered jobs, in catalog line order. */
  List<GalleryEntry> entries() {
    return jobs.values().stream()
        .filter(job -> successes.containsKey(job.jobId()))
        .map(
            job -> {
              JobSucceeded succeeded = successes.get(job.jobId());
              return new GalleryEntry(
                  job.jobId(), job.prompt(), succeeded.seed(), succeeded.key(), line(job));
            })
        .sorted(
            Comparator.comparing(
                    GalleryEntry::line, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(GalleryEntry::jobId))
        .toList();
  }

  private static Long line(RenderJob job) {
    String line = job.metadata().get(LINE_METADATA);
    if (line == null) {
      return null;
    }
    try {
      return Long.valueOf(line);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
