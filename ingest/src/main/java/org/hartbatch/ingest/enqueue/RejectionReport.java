package org.hartbatch.ingest.enqueue;

import java.util.ArrayList;
import java.util.List;
import org.hartbatch.protocol.Violation;

/** Counts rejected lines and keeps the reasons of the first ones. */
final class RejectionReport {

  private final int maxReported;
  private final List<RejectedLine> reported = new ArrayList<>();
  private long lines;
  private boolean truncated;

  RejectionReport(int maxReported) {
    this.maxReported = maxReported;
  }

  void add(long lineNumber, List<Violation> violations) {
    lines++;
    for (Violation violation : violations) {
      if (reported.size() < maxReported) {
        reported.add(
            new RejectedLine(lineNumber, violation.field(), violation.rule(), violation.message()));
      } else {
        truncated = true;
      }
    }
  }

  long lines() {
    return lines;
  }

  List<RejectedLine> reported() {
    return List.copyOf(reported);
  }

  boolean truncated() {
    return truncated;
  }
}
