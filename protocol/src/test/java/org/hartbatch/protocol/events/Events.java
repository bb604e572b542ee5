package org.hartbatch.protocol.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hartbatch.protocol.Violation;

/** One sample event of each type, for tests here and in protocol-it. */
public final class Events {

  private Events() {}

  public static JobSucceeded succeeded(String jobId, String catalogId) {
    return new JobSucceeded(
        jobId,
        catalogId,
        "hartbatch-images",
        "renders/" + catalogId + "/" + jobId + ".png",
        "image/png",
        1_482_113,
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        1024,
        1024,
        Long.MIN_VALUE,
        "hart-0.7b-1024px",
        "builtin-2026.11",
        new Timings(5_120, 14_800, 95),
        8,
        1,
        false,
        12,
        List.of("Zyzzyva"),
        List.of("prompt truncated to 300 tokens", "unknown words: Zyzzyva"),
        Map.of("sku", "A-100"));
  }

  public static JobFailed failed(String jobId, String catalogId) {
    return new JobFailed(
        jobId,
        catalogId,
        ErrorCode.INVALID_JOB,
        "topK: must be between 1 and 4096, was 0",
        false,
        2,
        List.of(new Violation("topK", "range", "must be between 1 and 4096, was 0")),
        Map.of());
  }

  public static CatalogSubmitted submitted(String catalogId) {
    return new CatalogSubmitted(catalogId, 2_000_000, 3, Instant.parse("2026-11-25T18:00:00Z"));
  }

  public static CatalogCompleted completed(String catalogId) {
    return new CatalogCompleted(
        catalogId,
        2_000_000,
        1_999_990,
        10,
        Instant.parse("2026-11-25T18:00:00Z"),
        Instant.parse("2026-11-27T06:30:00.250Z"));
  }

  public static List<HartbatchEvent> oneOfEach() {
    return List.of(
        succeeded("job-1", "cat-1"),
        failed("job-2", "cat-1"),
        submitted("cat-1"),
        completed("cat-1"));
  }
}
