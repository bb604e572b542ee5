package org.hartbatch.protocol.events;

/**
 * The data of a HART Batch CloudEvent. Read one with {@link EventCodec} or {@link EventSerde}; a
 * type this version does not know arrives as {@link UnknownEvent} so that older consumers can skip
 * it.
 */
public sealed interface HartbatchEvent
    permits JobSucceeded, JobFailed, CatalogSubmitted, CatalogCompleted, UnknownEvent {

  /** The CloudEvents {@code type}, one of {@link EventTypes}. */
  String eventType();

  /**
   * The CloudEvents {@code id}: equal for two deliveries of the same fact, so consumers can drop
   * repeats.
   */
  String eventId();

  /** The CloudEvents {@code subject}: the job id of job events, the catalog id otherwise. */
  String subject();

  /** Catalog the event belongs to; the Kafka record key. */
  String catalogId();
}
