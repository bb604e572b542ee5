package org.hartbatch.ingest.catalog;

import java.time.Instant;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.OutputFormat;
import org.hartbatch.protocol.RenderJob;

/**
 * What a catalog's lines inherit when they leave a field out.
 *
 * @param catalogId the catalog every line belongs to
 * @param model model name
 * @param modelRevision model revision, or {@code null} for the one the workers serve
 * @param guidanceScale guidance scale, or {@code null} for the protocol default
 * @param moreSmooth HART's smoother decoding, or {@code null} for the protocol default
 * @param seedPolicy how seeds of lines without one are chosen
 * @param fixedSeed the seed of {@link SeedPolicy#FIXED}
 * @param outputFormat image format, or {@code null} for the protocol default
 * @param outputPrefix object key prefix, or {@code null}
 * @param submittedAt submission time stamped on every job
 */
public record CatalogDefaults(
    String catalogId,
    String model,
    String modelRevision,
    Double guidanceScale,
    Boolean moreSmooth,
    SeedPolicy seedPolicy,
    Long fixedSeed,
    OutputFormat outputFormat,
    String outputPrefix,
    Instant submittedAt) {

  /** A job of line {@code lineNumber} before the line's own fields are applied. */
  public RenderJob.Builder jobOfLine(long lineNumber) {
    return RenderJob.builder()
        .catalogId(catalogId)
        .jobId(JobIds.forLine(catalogId, lineNumber))
        .seed(seedOfLine(lineNumber))
        .model(model)
        .modelRevision(modelRevision)
        .guidanceScale(guidanceScale)
        .moreSmooth(moreSmooth)
        .outputFormat(outputFormat)
        .outputPrefix(outputPrefix)
        .submittedAt(submittedAt);
  }

  private long seedOfLine(long lineNumber) {
    return seedPolicy == SeedPolicy.FIXED ? fixedSeed : JobIds.seedForLine(catalogId, lineNumber);
  }
}
