package org.hartbatch.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Renders catalog progress: one redrawn line on a terminal, a line per update otherwise. */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;

  ProgressBar(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(JsonNode status) {
    String line = render(status);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
    } else {
      out.println(line);
    }
    out.flush();
  }

  void finish() {
    if (terminal) {
      out.println();
    }
  }

  static String render(JsonNode status) {
    long total = status.path("total").asLong(0);
    long succeeded = status.path("succeeded").asLong();
    long failed = status.path("failed").asLong();
    long done = succeeded + failed;
    double fraction = total == 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    StringBuilder line = new StringBuilder("[");
    line.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
    line.append(String.format(Locale.ROOT, "%5.1f%%  %d/%d", fraction * 100, done, total));
    line.append("  ok ").append(succeeded).append("  failed ").append(failed);
    JsonNode rate = status.get("imagesPerSecond");
    if (rate != null && !rate.isNull()) {
      line.append(String.format(Locale.ROOT, "  %.2f img/s", rate.asDouble()));
    }
    JsonNode eta = status.get("etaSeconds");
    if (eta != null && !eta.isNull() && !"COMPLETED".equals(status.path("state").asText())) {
      Duration left = Duration.ofSeconds(eta.asLong());
      line.append(
          String.format(
              Locale.ROOT,
              "  ETA %d:%02d:%02d",
              left.toHours(),
              left.toMinutesPart(),
              left.toSecondsPart()));
    }
    return line.toString();
  }
}
