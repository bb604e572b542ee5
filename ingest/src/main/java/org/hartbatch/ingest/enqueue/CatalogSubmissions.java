package org.hartbatch.ingest.enqueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hartbatch.ingest.IngestConfig;
import org.hartbatch.ingest.catalog.CatalogDefaults;
import org.hartbatch.ingest.catalog.CatalogFormat;
import org.hartbatch.ingest.catalog.CatalogFormatException;
import org.hartbatch.ingest.catalog.CatalogParser;
import org.hartbatch.ingest.catalog.LineSink;
import org.hartbatch.ingest.progress.CatalogProgress;
import org.hartbatch.ingest.progress.Forwarder;
import org.hartbatch.ingest.progress.ProgressQueries;
import org.hartbatch.ingest.progress.ProgressUnavailableException;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Violation;
import org.hartbatch.protocol.events.CatalogSubmitted;
import org.hartbatch.protocol.topics.Topics;

/**
 * Accepts catalogs and single jobs. A catalog id is enqueued once: a repeated submission (same
 * catalog id or idempotency key) is answered with the first one's count and enqueues nothing, and a
 * submission of a catalog that is still being enqueued is refused.
 */
@ApplicationScoped
public class CatalogSubmissions {

  private static final int RECENT_CATALOGS = 10_000;
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  @Inject IngestConfig config;
  @Inject Topics topics;
  @Inject ProgressQueries progress;
  @Inject Forwarder forwarder;
  @Inject ObjectMapper json;
  @Inject MeterRegistry metrics;

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  private JobProducer producer;
  private CatalogEnqueuer enqueuer;
  private Counter acceptedLines;
  private Counter rejectedLines;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * Catalogs this instance enqueued lately, with their job counts: progress tracking learns of a
   * catalog a moment after its manifest is written, and a quick repeat must not slip through.
   */
  private final Map<String, Long> recent =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
              return size() > RECENT_CATALOGS;
            }
          });

  /** The outcome of a single-job submission. */
  public record JobSubmission(
      String catalogId, String jobId, boolean duplicate, List<RejectedLine> rejections) {}

  @PostConstruct
  void start() {
    producer = new JobProducer(kafka, topics);
    enqueuer =
        new CatalogEnqueuer(
            producer,
            new CatalogEnqueuer.Limits(
                config.maxLineBytes(), config.maxLines(), config.maxReportedRejections()));
    acceptedLines = metrics.counter("hartbatch.ingest.lines", "outcome", "accepted");
    rejectedLines = metrics.counter("hartbatch.ingest.lines", "outcome", "rejected");
  }

  @PreDestroy
  void stop() {
    producer.close();
  }

  public SubmissionResult submit(
      InputStream body,
      CatalogFormat format,
      CatalogDefaults defaults,
      boolean allOrNothing,
      String authorization)
      throws IOException, CatalogFormatException, InterruptedException {
    String catalogId = defaults.catalogId();
    Optional<Long> earlier = alreadySubmitted(catalogId, authorization);
    if (earlier.isPresent()) {
      return new SubmissionResult(catalogId, earlier.get(), 0, List.of(), false, true, false);
    }
    claim(catalogId);
    try {
      SubmissionResult result = enqueuer.enqueue(body, format, defaults, allOrNothing);
      acceptedLines.increment(result.accepted());
      rejectedLines.increment(result.rejected());
      if (result.enqueued()) {
        recent.put(catalogId, result.accepted());
      }
      return result;
    } finally {
      inFlight.remove(catalogId);
    }
  }

  public JobSubmission submitJob(
      byte[] body, String clientId, CatalogDefaults defaults, String authorization)
      throws InterruptedException {
    String catalogId = defaults.catalogId();
    List<RejectedLine> rejections = new ArrayList<>();
    RenderJob[] parsed = new RenderJob[1];
    new CatalogParser(CatalogFormat.JSONL, defaults, config.maxLineBytes(), 1)
        .parseJob(
            body,
            clientId,
            new LineSink() {
              @Override
              public void accept(long lineNumber, RenderJob job) {
                parsed[0] = job;
              }

              @Override
              public void reject(long lineNumber, List<Violation> violations) {
                violations.forEach(
                    v ->
                        rejections.add(
                            new RejectedLine(lineNumber, v.field(), v.rule(), v.message())));
              }
            });
    RenderJob job = parsed[0];
    if (job == null) {
      return new JobSubmission(catalogId, null, false, rejections);
    }
    if (alreadySubmitted(catalogId, authorization).isPresent()) {
      return new JobSubmission(catalogId, job.jobId(), true, List.of());
    }
    claim(catalogId);
    try {
      JobProducer.Batch batch = producer.batch();
      try {
        batch.send(job);
      } catch (InvalidJobException e) {
        throw new IllegalStateException("a job that passed validation failed to encode", e);
      }
      batch.await(ACK_TIMEOUT);
      producer.publishCatalogEvent(
          new CatalogSubmitted(catalogId, 1, 0, defaults.submittedAt()), ACK_TIMEOUT);
      recent.put(catalogId, 1L);
      acceptedLines.increment();
      return new JobSubmission(catalogId, job.jobId(), false, List.of());
    } finally {
      inFlight.remove(catalogId);
    }
  }

  private void claim(String catalogId) {
    if (!inFlight.add(catalogId)) {
      throw new SubmissionConflictException(
          "catalog " + catalogId + " is being submitted by another request right now");
    }
  }

  /** The job count of an earlier submission of the catalog, empty when there was none. */
  private Optional<Long> alreadySubmitted(String catalogId, String authorization) {
    Long recentCount = recent.get(catalogId);
    if (recentCount != null) {
      return Optional.of(recentCount);
    }
    ProgressQueries.Owner owner = progress.ownerOf(catalogId);
    if (owner instanceof ProgressQueries.Local) {
      return progress.catalog(catalogId).map(CatalogProgress::totalJobs);
    }
    if (owner instanceof ProgressQueries.Remote remote) {
      Forwarder.Reply reply = forwarder.get(remote, "/v1/catalogs/" + catalogId, authorization);
      if (reply.status() == 404) {
        return Optional.empty();
      }
      if (reply.status() != 200) {
        throw new ProgressUnavailableException(
            "cannot tell whether catalog "
                + catalogId
                + " was submitted before: its owner said "
                + reply.status());
      }
      try {
        JsonNode total = json.readTree(reply.body()).get("total");
        return total == null || total.isNull() ? Optional.empty() : Optional.of(total.asLong());
      } catch (IOException e) {
        throw new ProgressUnavailableException("unreadable answer from the catalog's owner", e);
      }
    }
    throw new ProgressUnavailableException(
        "cannot tell whether catalog "
            + catalogId
            + " was submitted before: "
            + ((ProgressQueries.Unavailable) owner).reason());
  }
}
