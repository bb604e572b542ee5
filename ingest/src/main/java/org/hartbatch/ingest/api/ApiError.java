package org.hartbatch.ingest.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.hartbatch.ingest.enqueue.RejectedLine;

/**
 * The body of every error response.
 *
 * @param status HTTP status
 * @param error short stable name, e.g. {@code invalid-parameter}
 * @param message what went wrong and what to do about it
 * @param problems the offending fields, when there are any
 */
public record ApiError(int status, String error, String message, List<RejectedLine> problems) {

  static Response response(Response.Status status, String error, String message) {
    return response(status.getStatusCode(), error, message, List.of());
  }

  static Response response(int status, String error, String message, List<RejectedLine> problems) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(new ApiError(status, error, message, problems))
        .build();
  }
}
