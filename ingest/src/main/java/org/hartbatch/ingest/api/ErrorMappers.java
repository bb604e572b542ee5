package org.hartbatch.ingest.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.hartbatch.ingest.catalog.CatalogFormatException;
import org.hartbatch.ingest.enqueue.EnqueueFailedException;
import org.hartbatch.ingest.enqueue.SubmissionConflictException;
import org.hartbatch.ingest.progress.ProgressUnavailableException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns the service's exceptions into clear JSON errors. */
public class ErrorMappers {

  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  /** Long enough for a Streams rebalance or a broker fail-over to settle. */
  static final int RETRY_AFTER_SECONDS = 5;

  @ServerExceptionMapper
  public Response invalidRequest(InvalidRequestException e) {
    return ApiError.response(400, "invalid-request", e.getMessage(), e.problems());
  }

  @ServerExceptionMapper
  public Response unreadableCatalog(CatalogFormatException e) {
    return ApiError.response(Response.Status.BAD_REQUEST, "unreadable-catalog", e.getMessage());
  }

  @ServerExceptionMapper
  public Response conflict(SubmissionConflictException e) {
    return ApiError.response(Response.Status.CONFLICT, "submission-in-progress", e.getMessage());
  }

  @ServerExceptionMapper
  public Response enqueueFailed(EnqueueFailedException e) {
    LOG.warn("enqueue failed", e);
    return retryLater(
        "enqueue-failed", e.getMessage() + "; submitting the same catalog id again is safe");
  }

  @ServerExceptionMapper
  public Response progressUnavailable(ProgressUnavailableException e) {
    return retryLater("progress-unavailable", e.getMessage() + "; retry in a few seconds");
  }

  /** A 503 that tells clients when to try again. */
  private static Response retryLater(String error, String message) {
    return Response.fromResponse(
            ApiError.response(Response.Status.SERVICE_UNAVAILABLE, error, message))
        .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
        .build();
  }
}
