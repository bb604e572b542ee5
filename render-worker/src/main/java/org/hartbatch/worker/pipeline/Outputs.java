package org.hartbatch.worker.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.dlq.DeadLetter;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.HartbatchEvent;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.topics.Topics;

/** The records the worker publishes for a job's outcome, as raw records of its one producer. */
public final class Outputs {

  private final Topics topics;

  public Outputs(Topics topics) {
    this.topics = topics;
  }

  public ProducerRecord<byte[], byte[]> event(HartbatchEvent event) {
    ProducerRecord<String, byte[]> record = EventCodec.toRecord(topics.events().name(), event);
    return new ProducerRecord<>(
        record.topic(),
        record.partition(),
        record.timestamp(),
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
        record.value(),
        record.headers());
  }

  /** A job that could be read failed. */
  public ProducerRecord<byte[], byte[]> failed(
      WorkItem item, ErrorCode code, String message, boolean retriable) {
    RenderJob job = item.job();
    return event(
        new JobFailed(
            job.jobId(),
            job.catalogId(),
            code,
            message,
            retriable,
            item.attempt(),
            List.of(),
            job.metadata()));
  }

  /**
   * A record that breaks the job contract: its dead letter, and a {@code job.failed} event when the
   * job and catalog ids could be read (the event is keyed by catalog id).
   */
  public List<ProducerRecord<byte[], byte[]>> invalid(
      ConsumerRecord<byte[], byte[]> record, InvalidJobException invalid, int attempt) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
    out.add(DeadLetter.record(topics.deadLetters().name(), record, invalid, Instant.now()));
    if (invalid.jobId().isPresent() && invalid.catalogId().isPresent()) {
      out.add(
          event(
              new JobFailed(
                  invalid.jobId().get(),
                  invalid.catalogId().get(),
                  ErrorCode.INVALID_JOB,
                  invalid.getMessage(),
                  false,
                  attempt,
                  invalid.violations(),
                  Map.of())));
    }
    return out;
  }

  /** A record the worker could not handle for a reason other than the contract. */
  public ProducerRecord<byte[], byte[]> unreadable(
      ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
    return DeadLetter.record(
        topics.deadLetters().name(),
        record,
        ErrorCode.INTERNAL,
        null,
        String.valueOf(error.getMessage()),
        error,
        Instant.now());
  }
}
