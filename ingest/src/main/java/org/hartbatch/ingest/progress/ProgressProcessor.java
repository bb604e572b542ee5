package org.hartbatch.ingest.progress;

import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.hartbatch.ingest.catalog.CatalogLineMetadata;
import org.hartbatch.protocol.events.CatalogCompleted;
import org.hartbatch.protocol.events.CatalogSubmitted;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.events.JobSucceeded;

/**
 * Applies catalog submissions and job outcomes, keyed by catalog id, to the progress stores, and
 * forwards one {@link CatalogCompleted} when the last job of a catalog finishes. A job counts once
 * however often its events are delivered; a success after a failure moves it from failed to
 * succeeded, a failure after a success is ignored.
 */
final class ProgressProcessor implements Processor<String, HartbatchEvent, String, HartbatchEvent> {

  private ProcessorContext<String, HartbatchEvent> context;
  private KeyValueStore<String, CatalogProgress> catalogs;
  private KeyValueStore<String, JobResult> jobs;

  @Override
  public void init(ProcessorContext<String, HartbatchEvent> context) {
    this.context = context;
    this.catalogs = context.getStateStore(ProgressTopology.CATALOG_STORE);
    this.jobs = context.getStateStore(ProgressTopology.JOB_STORE);
  }

  @Override
  public void process(Record<String, HartbatchEvent> record) {
    HartbatchEvent event = record.value();
    if (event == null || event.catalogId() == null) {
      return;
    }
    Instant at = Instant.ofEpochMilli(record.timestamp());
    CatalogProgress before = catalogs.get(event.catalogId());
    CatalogProgress progress = before == null ? CatalogProgress.empty(event.catalogId()) : before;
    CatalogProgress after = progress;
    if (event instanceof CatalogSubmitted s) {
      after = progress.submitted(s.totalJobs(), s.rejectedLines(), s.submittedAt());
    } else if (event instanceof JobSucceeded s) {
      after = succeeded(progress, s, at);
    } else if (event instanceof JobFailed f) {
      after = failed(progress, f, at);
    }
    if (after == progress && before != null) {
      return;
    }
    if (after.allJobsDone() && after.completedAt() == null) {
      after = after.completed(at);
      context.forward(
          new Record<String, HartbatchEvent>(
              after.catalogId(),
              new CatalogCompleted(
                  after.catalogId(),
                  after.totalJobs(),
                  after.succeeded(),
                  after.failed(),
                  after.submittedAt(),
                  at),
              record.timestamp(),
              // the input's CloudEvents headers describe the input, not this event
              new RecordHeaders()));
    }
    catalogs.put(after.catalogId(), after);
  }

  private CatalogProgress succeeded(CatalogProgress progress, JobSucceeded s, Instant at) {
    String key = ProgressTopology.jobKey(s.catalogId(), s.jobId());
    JobResult previous = jobs.get(key);
    if (previous != null && previous.status() == JobResult.Status.SUCCEEDED) {
      return progress;
    }
    jobs.put(
        key,
        new JobResult(
            s.jobId(),
            JobResult.Status.SUCCEEDED,
            s.attempt(),
            s.bucket(),
            s.key(),
            s.contentType(),
            s.byteSize(),
            null,
            null,
            null,
            CatalogLineMetadata.line(s.metadata()),
            CatalogLineMetadata.clientId(s.metadata()),
            at));
    return progress.counted(1, previous == null ? 0 : -1, at);
  }

  private CatalogProgress failed(CatalogProgress progress, JobFailed f, Instant at) {
    String key = ProgressTopology.jobKey(f.catalogId(), f.jobId());
    JobResult previous = jobs.get(key);
    if (previous != null
        && (previous.status() == JobResult.Status.SUCCEEDED || previous.attempt() >= f.attempt())) {
      return progress;
    }
    Map<String, String> metadata = f.metadata();
    jobs.put(
        key,
        new JobResult(
            f.jobId(),
            JobResult.Status.FAILED,
            f.attempt(),
            null,
            null,
            null,
            null,
            f.errorCode() == null ? null : f.errorCode().name(),
            f.message(),
            f.retriable(),
            CatalogLineMetadata.line(metadata),
            CatalogLineMetadata.clientId(metadata),
            at));
    return previous == null ? progress.counted(0, 1, at) : progress.counted(0, 0, at);
  }
}
