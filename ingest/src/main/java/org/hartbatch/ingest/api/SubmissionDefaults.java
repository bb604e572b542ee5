package org.hartbatch.ingest.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.hartbatch.ingest.IngestConfig;
import org.hartbatch.ingest.catalog.CatalogDefaults;
import org.hartbatch.ingest.catalog.SeedPolicy;
import org.hartbatch.ingest.enqueue.CatalogIds;
import org.hartbatch.ingest.enqueue.RejectedLine;
import org.hartbatch.protocol.OutputFormat;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobValidator;
import org.hartbatch.protocol.Violation;
import org.jboss.resteasy.reactive.RestQuery;

/** Per-submission defaults from query parameters, checked before any line is read. */
@ApplicationScoped
public class SubmissionDefaults {

  /** Query parameter of each protocol field, to name the parameter in errors. */
  private static final Map<String, String> PARAMETER_OF =
      Map.of("guidanceScale", "cfg", "catalogId", "catalogId", "jobId", "Idempotency-Key");

  @Inject IngestConfig config;

  /** The query parameters every submission may carry. */
  public static class Params {
    @Parameter(description = "Model of lines that name none")
    @RestQuery
    public String model;

    @Parameter(description = "Model revision of lines that name none")
    @RestQuery
    public String modelRevision;

    @Parameter(description = "Guidance scale of lines that set none (default 4.5)")
    @RestQuery
    public Double cfg;

    @Parameter(description = "HART's smoother decoding for lines that do not say (default true)")
    @RestQuery
    public Boolean moreSmooth;

    @Parameter(
        description =
            "derived (default: seed = hash(catalog id, line number)) or fixed (every line without"
                + " a seed gets 'seed')")
    @RestQuery
    public String seedPolicy;

    @Parameter(description = "The seed of seedPolicy=fixed; giving it implies fixed")
    @RestQuery
    public Long seed;

    @Parameter(description = "Image format of lines that name none (default PNG)")
    @RestQuery
    public String outputFormat;

    @Parameter(description = "Object key prefix of lines that name none")
    @RestQuery
    public String outputPrefix;
  }

  /** The catalog id named, else the one of the idempotency key, else a fresh one. */
  public String catalogId(String catalogId, String idempotencyKey) {
    if (catalogId != null) {
      return catalogId;
    }
    if (idempotencyKey != null) {
      if (idempotencyKey.isBlank() || idempotencyKey.length() > 256) {
        throw new InvalidRequestException("Idempotency-Key must be 1 to 256 visible characters");
      }
      return CatalogIds.fromIdempotencyKey(idempotencyKey);
    }
    return CatalogIds.fresh();
  }

  /**
   * The defaults of a submission.
   *
   * @throws InvalidRequestException naming every bad parameter
   */
  public CatalogDefaults resolve(String catalogId, Params params, Instant now) {
    List<RejectedLine> problems = new ArrayList<>();
    SeedPolicy policy = SeedPolicy.DERIVED;
    if (params.seedPolicy != null) {
      try {
        policy = SeedPolicy.valueOf(params.seedPolicy.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(problem("seedPolicy", "one-of", "must be derived or fixed"));
      }
    } else if (params.seed != null) {
      policy = SeedPolicy.FIXED;
    }
    if (policy == SeedPolicy.FIXED && params.seed == null) {
      problems.add(problem("seed", "required", "is required with seedPolicy=fixed"));
    }
    OutputFormat format = null;
    if (params.outputFormat != null) {
      try {
        format = OutputFormat.valueOf(params.outputFormat.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(
            problem("outputFormat", "one-of", "must be one of " + List.of(OutputFormat.values())));
      }
    }
    CatalogDefaults defaults =
        new CatalogDefaults(
            catalogId,
            params.model == null ? config.defaultModel() : params.model,
            params.modelRevision,
            params.cfg,
            params.moreSmooth,
            policy,
            params.seed == null ? 0L : params.seed,
            format,
            params.outputPrefix,
            now);
    RenderJob probe = defaults.jobOfLine(1).prompt("probe").build();
    for (Violation violation : RenderJobValidator.validate(probe)) {
      problems.add(
          problem(
              PARAMETER_OF.getOrDefault(violation.field(), violation.field()),
              violation.rule(),
              violation.message()));
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException("the submission's parameters are invalid", problems);
    }
    return defaults;
  }

  private static RejectedLine problem(String parameter, String rule, String reason) {
    return new RejectedLine(0, parameter, rule, reason);
  }
}
