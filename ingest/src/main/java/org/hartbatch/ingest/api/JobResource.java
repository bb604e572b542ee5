package org.hartbatch.ingest.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hartbatch.ingest.IngestConfig;
import org.hartbatch.ingest.enqueue.CatalogSubmissions;
import org.hartbatch.ingest.enqueue.CatalogSubmissions.JobSubmission;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/** Single jobs: each is a catalog of one, so it has progress and a completion event too. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobResource {

  @Inject CatalogSubmissions submissions;
  @Inject SubmissionDefaults defaults;
  @Inject IngestConfig config;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit one job",
      description =
          "The body has the fields of a catalog line. The job forms a catalog of its own; its id"
              + " comes from 'id' or the Idempotency-Key, so a repeat enqueues nothing.")
  @APIResponse(responseCode = "202", description = "Enqueued")
  @APIResponse(responseCode = "200", description = "Submitted before: nothing enqueued again")
  @APIResponse(responseCode = "422", description = "The job breaks a rule")
  public Response submit(
      byte[] body,
      @RestHeader("Idempotency-Key") String idempotencyKey,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
      @Parameter(description = "Catalog id; default: derived from Idempotency-Key, else new")
          @RestQuery
          String catalogId,
      @BeanParam SubmissionDefaults.Params params)
      throws InterruptedException {
    if (body.length > config.maxLineBytes()) {
      return ApiError.response(
          Response.Status.REQUEST_ENTITY_TOO_LARGE,
          "too-large",
          "a job must be at most " + config.maxLineBytes() + " bytes of JSON");
    }
    String id = defaults.catalogId(catalogId, idempotencyKey);
    JobSubmission result =
        submissions.submitJob(
            body, idempotencyKey, defaults.resolve(id, params, Instant.now()), authorization);
    if (!result.rejections().isEmpty()) {
      return ApiError.response(422, "invalid-job", "the job breaks rules", result.rejections());
    }
    return result.duplicate() ? Response.ok(result).build() : Response.accepted(result).build();
  }
}
