package org.hartbatch.protocol;

import java.time.Instant;
import java.util.Map;

/** Test jobs. */
final class Jobs {

  private Jobs() {}

  static RenderJob.Builder valid() {
    return RenderJob.builder()
        .jobId(JobIds.forLine("spring-catalog", 7))
        .catalogId("spring-catalog")
        .prompt("a lighthouse on a cliff at dawn, oil painting")
        .seed(-8_070_450_532_247_928_832L)
        .model("hart-0.7b-1024px")
        .submittedAt(Instant.parse("2026-11-25T18:00:00Z"));
  }

  static RenderJob full() {
    return valid()
        .guidanceScale(6.0)
        .moreSmooth(false)
        .topK(300)
        .topP(0.9)
        .modelRevision("builtin-2026.11")
        .outputFormat(OutputFormat.PNG)
        .outputPrefix("tenant-a/run=3")
        .metadata(Map.of("sku", "A-100", "lang", "en"))
        .build();
  }
}
