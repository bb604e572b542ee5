package org.hartbatch.store;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Sha256;

/**
 * What is stored with an image as S3 user metadata ({@code x-amz-meta-*}), besides the SHA-256 of
 * its bytes that the store adds itself. The prompt is stored as its hash: prompts can be longer
 * than S3's 2 KB metadata limit.
 *
 * @param jobId the job
 * @param catalogId its catalog
 * @param seed the seed used
 * @param model model name
 * @param modelRevision model revision used
 * @param promptSha256 lowercase hex SHA-256 of the prompt's UTF-8 bytes
 */
public record ImageMetadata(
    String jobId,
    String catalogId,
    long seed,
    String model,
    String modelRevision,
    String promptSha256) {

  public static final String JOB_ID = "job-id";
  public static final String CATALOG_ID = "catalog-id";
  public static final String SEED = "seed";
  public static final String MODEL = "model";
  public static final String MODEL_REVISION = "model-revision";
  public static final String PROMPT_SHA256 = "prompt-sha256";

  /** The metadata of {@code job}'s image, rendered by {@code modelRevision}. */
  public static ImageMetadata of(RenderJob job, String modelRevision) {
    return new ImageMetadata(
        job.jobId(),
        job.catalogId(),
        job.seed(),
        job.model(),
        modelRevision,
        Sha256.hex(job.prompt()));
  }

  /** As S3 user metadata; absent values are left out. */
  public Map<String, String> toUserMetadata() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(JOB_ID, jobId);
    out.put(CATALOG_ID, catalogId);
    out.put(SEED, Long.toString(seed));
    out.put(MODEL, model);
    out.put(MODEL_REVISION, modelRevision);
    out.put(PROMPT_SHA256, promptSha256);
    out.values().removeIf(v -> v == null);
    return out;
  }
}
