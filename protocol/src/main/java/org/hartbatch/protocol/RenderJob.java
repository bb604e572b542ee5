package org.hartbatch.protocol;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One image to render: the value of a record on the jobs topic.
 *
 * <p>Optional fields are {@code null} when absent. Fields with a default ({@link #guidanceScale},
 * {@link #moreSmooth}, {@link #outputFormat}, {@link #metadata}) are never {@code null}: the
 * constructor fills them in. Construction does not check the rules; {@link RenderJobValidator}
 * does, and {@link RenderJobCodec} refuses to encode or decode a job that breaks them.
 *
 * @param schemaVersion version of this contract the producer wrote; {@link #SCHEMA_VERSION} today
 * @param jobId unique id of the job, stable across re-submissions (see {@link JobIds})
 * @param catalogId the catalog (batch of jobs) the job belongs to
 * @param prompt the text to render
 * @param seed 64-bit seed of the sampler; same seed, prompt and model revision give the same image
 * @param guidanceScale classifier-free guidance scale, default {@value #DEFAULT_GUIDANCE_SCALE}
 * @param moreSmooth HART's smoother token decoding, default {@code true}
 * @param topK optional override of the sampler's top-k at every stage; {@code null} keeps the
 *     model's per-stage default
 * @param topP optional nucleus sampling threshold in (0, 1]; {@code null} disables it
 * @param model model name, e.g. {@code hart-0.7b-1024px}
 * @param modelRevision optional model revision; {@code null} accepts the revision the worker serves
 *     (the completion event reports the one used)
 * @param outputFormat image encoding, default PNG
 * @param outputPrefix optional object key prefix, slash-separated, without leading or trailing
 *     slash
 * @param metadata free-form string pairs echoed in the completion events, size-limited
 * @param submittedAt when the job was submitted
 */
public record RenderJob(
    Integer schemaVersion,
    String jobId,
    String catalogId,
    String prompt,
    Long seed,
    Double guidanceScale,
    Boolean moreSmooth,
    Integer topK,
    Double topP,
    String model,
    String modelRevision,
    OutputFormat outputFormat,
    String outputPrefix,
    Map<String, String> metadata,
    Instant submittedAt) {

  public static final int SCHEMA_VERSION = 1;
  public static final double DEFAULT_GUIDANCE_SCALE = 4.5;
  public static final boolean DEFAULT_MORE_SMOOTH = true;

  public RenderJob {
    guidanceScale = guidanceScale == null ? DEFAULT_GUIDANCE_SCALE : guidanceScale;
    moreSmooth = moreSmooth == null ? DEFAULT_MORE_SMOOTH : moreSmooth;
    outputFormat = outputFormat == null ? OutputFormat.PNG : outputFormat;
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  public static Builder builder() {
    return new Builder().schemaVersion(SCHEMA_VERSION);
  }

  public Builder toBuilder() {
    return new Builder()
        .schemaVersion(schemaVersion)
        .jobId(jobId)
        .catalogId(catalogId)
        .prompt(prompt)
        .seed(seed)
        .guidanceScale(guidanceScale)
        .moreSmooth(moreSmooth)
        .topK(topK)
        .topP(topP)
        .model(model)
        .modelRevision(modelRevision)
        .outputFormat(outputFormat)
        .outputPrefix(outputPrefix)
        .metadata(metadata)
        .submittedAt(submittedAt);
  }

  /** Fluent construction for producers; {@link #builder()} presets the current schema version. */
  public static final class Builder {
    private Integer schemaVersion;
    private String jobId;
    private String catalogId;
    private String prompt;
    private Long seed;
    private Double guidanceScale;
    private Boolean moreSmooth;
    private Integer topK;
    private Double topP;
    private String model;
    private String modelRevision;
    private OutputFormat outputFormat;
    private String outputPrefix;
    private Map<String, String> metadata;
    private Instant submittedAt;

    private Builder() {}

    public Builder schemaVersion(Integer schemaVersion) {
      this.schemaVersion = schemaVersion;
      return this;
    }

    public Builder jobId(String jobId) {
      this.jobId = jobId;
      return this;
    }

    public Builder catalogId(String catalogId) {
      this.catalogId = catalogId;
      return this;
    }

    public Builder prompt(String prompt) {
      this.prompt = prompt;
      return this;
    }

    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    public Builder guidanceScale(Double guidanceScale) {
      this.guidanceScale = guidanceScale;
      return this;
    }

    public Builder moreSmooth(Boolean moreSmooth) {
      this.moreSmooth = moreSmooth;
      return this;
    }

    public Builder topK(Integer topK) {
      this.topK = topK;
      return this;
    }

    public Builder topP(Double topP) {
      this.topP = topP;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder modelRevision(String modelRevision) {
      this.modelRevision = modelRevision;
      return this;
    }

    public Builder outputFormat(OutputFormat outputFormat) {
      this.outputFormat = outputFormat;
      return this;
    }

    public Builder outputPrefix(String outputPrefix) {
      this.outputPrefix = outputPrefix;
      return this;
    }

    public Builder metadata(Map<String, String> metadata) {
      this.metadata = metadata;
      return this;
    }

    public Builder submittedAt(Instant submittedAt) {
      this.submittedAt = submittedAt;
      return this;
    }

    public RenderJob build() {
      return new RenderJob(
          schemaVersion,
          jobId,
          catalogId,
          prompt,
          seed,
          guidanceScale,
          moreSmooth,
          topK,
          topP,
          model,
          modelRevision,
          outputFormat,
          outputPrefix,
          metadata,
          submittedAt);
    }
  }
}
