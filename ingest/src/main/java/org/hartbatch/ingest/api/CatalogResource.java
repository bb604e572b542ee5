package org.hartbatch.ingest.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hartbatch.ingest.IngestConfig;
import org.hartbatch.ingest.catalog.CatalogDefaults;
import org.hartbatch.ingest.catalog.CatalogFormat;
import org.hartbatch.ingest.catalog.CatalogFormatException;
import org.hartbatch.ingest.enqueue.CatalogSubmissions;
import org.hartbatch.ingest.enqueue.SubmissionResult;
import org.hartbatch.ingest.progress.Forwarder;
import org.hartbatch.ingest.progress.JobResult;
import org.hartbatch.ingest.progress.ProgressQueries;
import org.hartbatch.ingest.progress.ProgressUnavailableException;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Catalogs: submit one, follow its progress, page through its results. */
@Path("/v1/catalogs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalogs")
public class CatalogResource {

  @Inject CatalogSubmissions submissions;
  @Inject ProgressQueries progress;
  @Inject Forwarder forwarder;
  @Inject SubmissionDefaults defaults;
  @Inject IngestConfig config;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "Submit a catalog",
      description =
          "The body is JSON Lines (application/x-ndjson: one object per line with at least"
              + " 'prompt'; optional id, seed, cfg, topK, topP, moreSmooth, model, modelRevision,"
              + " outputFormat, outputPrefix, metadata) or CSV (text/csv: a header row naming the"
              + " same fields, plus meta.<key> columns). It is read as a stream. Valid lines are"
              + " enqueued even when others are rejected, unless allOrNothing is set.")
  @APIResponse(responseCode = "202", description = "Jobs enqueued; rejected lines listed")
  @APIResponse(responseCode = "200", description = "Submitted before: nothing enqueued again")
  @APIResponse(responseCode = "422", description = "Nothing enqueued: lines were rejected")
  public Response submit(
      InputStream body,
      @RestHeader("Content-Type") String contentType,
      @RestHeader("Idempotency-Key") String idempotencyKey,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
      @Parameter(description = "Catalog id; default: derived from Idempotency-Key, else new")
          @RestQuery
          String catalogId,
      @Parameter(description = "jsonl or csv; default: from Content-Type") @RestQuery String format,
      @BeanParam SubmissionDefaults.Params params,
      @Parameter(description = "Enqueue nothing when any line is rejected") @RestQuery
          boolean allOrNothing)
      throws IOException, CatalogFormatException, InterruptedException {
    CatalogFormat catalogFormat = formatOf(format, contentType);
    CatalogDefaults catalogDefaults =
        defaults.resolve(defaults.catalogId(catalogId, idempotencyKey), params, Instant.now());
    SubmissionResult result =
        submissions.submit(body, catalogFormat, catalogDefaults, allOrNothing, authorization);
    if (result.duplicate()) {
      return Response.ok(result).build();
    }
    if (result.enqueued()) {
      return Response.accepted(result).build();
    }
    if (result.rejected() == 0) {
      return ApiError.response(
          Response.Status.BAD_REQUEST, "empty-catalog", "the catalog has no lines with a job");
    }
    return Response.status(422).entity(result).build();
  }

  @GET
  @Path("/{catalogId}")
  @Operation(summary = "Progress of a catalog")
  @APIResponse(responseCode = "200", description = "Counts, rate and ETA")
  @APIResponse(responseCode = "404", description = "No such catalog (yet)")
  public Response status(
      @RestPath String catalogId,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
      @RestHeader(Forwarder.FORWARDED_HEADER) String forwarded,
      UriInfo uri) {
    return atOwner(
        catalogId,
        authorization,
        forwarded,
        uri,
        () ->
            progress
                .catalog(catalogId)
                .<Response>map(p -> Response.ok(CatalogStatus.of(p, Instant.now())).build())
                .orElseGet(() -> notFound(catalogId)));
  }

  @GET
  @Path("/{catalogId}/results")
  @Operation(
      summary = "Finished jobs of a catalog, in job id order",
      description = "Pass the 'next' of a page as 'after' to get the following page.")
  public Response results(
      @RestPath String catalogId,
      @Parameter(description = "Job id after which the page starts") @RestQuery String after,
      @Parameter(description = "Page size") @RestQuery Integer limit,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
      @RestHeader(Forwarder.FORWARDED_HEADER) String forwarded,
      UriInfo uri) {
    int pageSize = limit == null ? 100 : limit;
    if (pageSize < 1 || pageSize > config.maxPageSize()) {
      throw new InvalidRequestException(
          "limit must be between 1 and " + config.maxPageSize() + ", was " + pageSize);
    }
    return atOwner(
        catalogId,
        authorization,
        forwarded,
        uri,
        () -> {
          if (progress.catalog(catalogId).isEmpty()) {
            return notFound(catalogId);
          }
          ProgressQueries.ResultPage page = progress.results(catalogId, after, pageSize);
          return Response.ok(new ResultsPage(catalogId, page.items(), page.next())).build();
        });
  }

  /** A page of results. */
  public record ResultsPage(String catalogId, List<JobResult> items, String next) {}

  /** Answers locally when this instance owns the catalog, else forwards to the owner once. */
  private Response atOwner(
      String catalogId,
      String authorization,
      String forwarded,
      UriInfo uri,
      Supplier<Response> local) {
    ProgressQueries.Owner owner = progress.ownerOf(catalogId);
    if (owner instanceof ProgressQueries.Local) {
      return local.get();
    }
    if (owner instanceof ProgressQueries.Remote remote) {
      if (forwarded != null) {
        throw new ProgressUnavailableException(
            "catalog " + catalogId + " moved to another instance while being asked for");
      }
      String pathAndQuery =
          uri.getRequestUri().getRawPath()
              + Optional.ofNullable(uri.getRequestUri().getRawQuery()).map(q -> "?" + q).orElse("");
      Forwarder.Reply reply = forwarder.get(remote, pathAndQuery, authorization);
      return Response.status(reply.status())
          .type(MediaType.APPLICATION_JSON)
          .entity(reply.body())
          .header("X-Hartbatch-Served-By", remote.host() + ":" + remote.port())
          .build();
    }
    throw new ProgressUnavailableException(((ProgressQueries.Unavailable) owner).reason());
  }

  private static Response notFound(String catalogId) {
    return ApiError.response(
        Response.Status.NOT_FOUND,
        "unknown-catalog",
        "no catalog "
            + catalogId
            + " is known; a catalog appears a moment after its submission is accepted");
  }

  private static CatalogFormat formatOf(String format, String contentType) {
    if (format != null) {
      try {
        return CatalogFormat.valueOf(format.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("format must be jsonl or csv, was '" + format + "'");
      }
    }
    CatalogFormat byType = CatalogFormat.ofMediaType(contentType);
    if (byType == null) {
      throw new InvalidRequestException(
          "Content-Type must be application/x-ndjson (JSON Lines) or text/csv, was '"
              + contentType
              + "'; or pass format=jsonl|csv");
    }
    return byType;
  }
}
