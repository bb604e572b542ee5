package org.hartbatch.ingest.enqueue;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hartbatch.ingest.catalog.CatalogDefaults;
import org.hartbatch.ingest.catalog.CatalogFormat;
import org.hartbatch.ingest.catalog.CatalogFormatException;
import org.hartbatch.ingest.catalog.CatalogParser;
import org.hartbatch.ingest.catalog.LineSink;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Violation;
import org.hartbatch.protocol.events.CatalogSubmitted;

/**
 * Streams a catalog into the jobs topic: valid lines are sent as they are read, rejected lines are
 * reported, and once every job is acknowledged a {@code catalog.submitted} manifest tells progress
 * tracking how many jobs to expect. An all-or-nothing submission is first checked in full while it
 * is spooled to a temporary file, and sent from there only when no line is rejected.
 */
public final class CatalogEnqueuer {

  private static final Duration ACK_TIMEOUT = Duration.ofMinutes(2);

  /** Limits of one submission. */
  public record Limits(int maxLineBytes, long maxLines, int maxReportedRejections) {}

  private final JobProducer producer;
  private final Limits limits;

  public CatalogEnqueuer(JobProducer producer, Limits limits) {
    this.producer = producer;
    this.limits = limits;
  }

  public SubmissionResult enqueue(
      InputStream in, CatalogFormat format, CatalogDefaults defaults, boolean allOrNothing)
      throws IOException, CatalogFormatException, InterruptedException {
    CatalogParser parser =
        new CatalogParser(format, defaults, limits.maxLineBytes(), limits.maxLines());
    if (!allOrNothing) {
      return send(parser, in, defaults);
    }
    Path spool = Files.createTempFile("hartbatch-catalog-", "." + format.name().toLowerCase());
    try {
      RejectionReport check = new RejectionReport(limits.maxReportedRejections());
      long[] valid = {0};
      try (OutputStream copy = Files.newOutputStream(spool);
          InputStream teed = new TeeInputStream(in, copy)) {
        parser.parse(teed, checkingSink(check, valid));
      }
      if (check.lines() > 0 || valid[0] == 0) {
        return new SubmissionResult(
            defaults.catalogId(),
            0,
            check.lines(),
            check.reported(),
            check.truncated(),
            false,
            false);
      }
      try (InputStream spooled = new BufferedInputStream(Files.newInputStream(spool))) {
        return send(parser, spooled, defaults);
      }
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private SubmissionResult send(CatalogParser parser, InputStream in, CatalogDefaults defaults)
      throws IOException, CatalogFormatException, InterruptedException {
    RejectionReport report = new RejectionReport(limits.maxReportedRejections());
    JobProducer.Batch batch = producer.batch();
    parser.parse(
        in,
        new LineSink() {
          @Override
          public void accept(long lineNumber, RenderJob job) {
            try {
              batch.send(job);
            } catch (InvalidJobException e) {
              report.add(lineNumber, e.violations());
            }
          }

          @Override
          public void reject(long lineNumber, List<Violation> violations) {
            report.add(lineNumber, violations);
          }
        });
    batch.await(ACK_TIMEOUT);
    long accepted = batch.sent();
    if (accepted > 0) {
      producer.publishCatalogEvent(
          new CatalogSubmitted(
              defaults.catalogId(), accepted, report.lines(), defaults.submittedAt()),
          ACK_TIMEOUT);
    }
    return new SubmissionResult(
        defaults.catalogId(),
        accepted,
        report.lines(),
        report.reported(),
        report.truncated(),
        false,
        accepted > 0);
  }

  private static LineSink checkingSink(RejectionReport report, long[] valid) {
    return new LineSink() {
      @Override
      public void accept(long lineNumber, RenderJob job) {
        valid[0]++;
      }

      @Override
      public void reject(long lineNumber, List<Violation> violations) {
        report.add(lineNumber, violations);
      }
    };
  }

  /** Copies what is read to a second stream. */
  private static final class TeeInputStream extends FilterInputStream {
    private final OutputStream copy;

    TeeInputStream(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        copy.write(buffer, offset, n);
      }
      return n;
    }
  }
}
