package org.hartbatch.ingest.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose declared size is over {@code quarkus.http.limits.max-body-size} with a
 * JSON error that says what the limit is, before Quarkus' own check answers with an empty 413. A
 * body without {@code Content-Length} (chunked) that grows past the limit is cut off by Quarkus.
 */
@ApplicationScoped
public class UploadLimit {

  @Inject ObjectMapper json;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  Optional<MemorySize> maxBodySize;

  void install(@Observes Router router) {
    maxBodySize.ifPresent(
        limit ->
            router
                .route()
                .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(request -> check(request, limit.asLongValue())));
  }

  private void check(RoutingContext request, long limit) {
    long declared = declaredLength(request);
    if (declared <= limit) {
      request.next();
      return;
    }
    String message =
        "the request body is "
            + declared
            + " bytes; this service accepts at most "
            + limit
            + " bytes per request (quarkus.http.limits.max-body-size): split the catalog into"
            + " several submissions";
    try {
      request
          .response()
          .setStatusCode(413)
          .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
          // the rest of the body is not read: the connection cannot be reused
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(json.writeValueAsString(new ApiError(413, "request-too-large", message, List.of())));
    } catch (JsonProcessingException e) {
      request.fail(e);
    }
  }

  /** The {@code Content-Length} of the request, -1 when absent or unreadable. */
  private static long declaredLength(RoutingContext request) {
    String header = request.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
