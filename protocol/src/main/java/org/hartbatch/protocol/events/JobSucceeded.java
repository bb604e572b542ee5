package org.hartbatch.protocol.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's image is stored. Type {@value EventTypes#JOB_SUCCEEDED}.
 *
 * @param jobId the job
 * @param catalogId its catalog
 * @param bucket bucket of the image
 * @param key object key of the image
 * @param contentType media type of the image, e.g. {@code image/png}
 * @param byteSize size of the image in bytes
 * @param sha256 lowercase hex SHA-256 of the image bytes
 * @param width image width in pixels
 * @param height image height in pixels
 * @param seed the seed used
 * @param model model name
 * @param modelRevision model revision actually used
 * @param timings where the time went
 * @param batchSize number of jobs rendered together with this one, itself included
 * @param attempt 1 for the first delivery of the job to a worker, 2 after one redelivery, ...
 * @param alreadyExisted the image was already stored by an earlier attempt and was not rewritten
 * @param truncatedTokens prompt tokens dropped because the prompt exceeded the model's text length
 * @param unknownWords words of the prompt outside the model's text vocabulary, as written in the
 *     prompt (the model saw its unknown token instead), possibly empty
 * @param warnings human-readable notes about the rendering, possibly empty
 * @param metadata the job's metadata, echoed
 */
public record JobSucceeded(
    String jobId,
    String catalogId,
    String bucket,
    String key,
    String contentType,
    long byteSize,
    String sha256,
    int width,
    int height,
    long seed,
    String model,
    String modelRevision,
    Timings timings,
    int batchSize,
    int attempt,
    boolean alreadyExisted,
    int truncatedTokens,
    List<String> unknownWords,
    List<String> warnings,
    Map<String, String> metadata)
    implements HartbatchEvent {

  public JobSucceeded {
    unknownWords = unknownWords == null ? List.of() : List.copyOf(unknownWords);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  @JsonIgnore
  @Override
  public String eventType() {
    return EventTypes.JOB_SUCCEEDED;
  }

  /** One success per job: every re-publication of it carries the same id. */
  @JsonIgnore
  @Override
  public String eventId() {
    return jobId + ":succeeded";
  }

  @JsonIgnore
  @Override
  public String subject() {
    return jobId;
  }
}
