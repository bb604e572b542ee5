package org.hartbatch.ingest.api;

import java.util.List;
import java.util.Map;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.protocol.events.Timings;

/** Completion events as a render worker would publish them, for tests without a worker. */
final class SyntheticEvents {

  private SyntheticEvents() {}

  /**
   * A success whose image is {@code images/<catalog>/<job>.png}, from catalog line {@code line}.
   */
  static JobSucceeded succeeded(String catalogId, String jobId, long line) {
    return new JobSucceeded(
        jobId,
        catalogId,
        "images",
        catalogId + "/" + jobId + ".png",
        "image/png",
        1234,
        "0".repeat(64),
        1024,
        1024,
        1,
        "hart-0.7b-1024px",
        "r1",
        new Timings(1, 2, 3),
        4,
        1,
        false,
        0,
        List.of(),
        List.of(),
        Map.of("hartbatch.line", Long.toString(line)));
  }

  static JobFailed failed(
      String catalogId, String jobId, int attempt, ErrorCode errorCode, String message) {
    return new JobFailed(jobId, catalogId, errorCode, message, true, attempt, List.of(), Map.of());
  }
}
