package org.hartbatch.protocol.events;

import java.net.URI;

/** CloudEvents attribute values of every HART Batch event: types, sources, content type. */
public final class EventTypes {

  public static final String JOB_SUCCEEDED = "org.hartbatch.job.succeeded";
  public static final String JOB_FAILED = "org.hartbatch.job.failed";
  public static final String CATALOG_SUBMITTED = "org.hartbatch.catalog.submitted";
  public static final String CATALOG_COMPLETED = "org.hartbatch.catalog.completed";

  /** Source of {@code job.*} events. */
  public static final URI RENDER_WORKER_SOURCE = URI.create("/hartbatch/render-worker");

  /** Source of {@code catalog.*} events. */
  public static final URI INGEST_SOURCE = URI.create("/hartbatch/ingest");

  public static final String DATA_CONTENT_TYPE = "application/json";

  /**
   * CloudEvents extension holding the catalog id; the Kafka binding's name for the record key,
   * which is the catalog id on every HART Batch topic that carries events.
   */
  public static final String PARTITION_KEY_EXTENSION = "partitionkey";

  private EventTypes() {}

  /** The source that emits events of {@code type}. */
  public static URI sourceOf(String type) {
    return switch (type) {
      case JOB_SUCCEEDED, JOB_FAILED -> RENDER_WORKER_SOURCE;
      case CATALOG_SUBMITTED, CATALOG_COMPLETED -> INGEST_SOURCE;
      default -> throw new IllegalArgumentException("not a HART Batch event type: " + type);
    };
  }
}
