package org.hartbatch.ingest.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.hartbatch.ingest.IngestConfig;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token authentication of the API ({@code /v1/...}): no or an unknown token gets 401; a read
 * token gets 403 on anything but reads. Tokens come from configuration.
 */
public class BearerAuthFilter {

  private static final String PREFIX = "Bearer ";

  @Inject IngestConfig config;

  @ServerRequestFilter
  public Response authenticate(ContainerRequestContext request) {
    IngestConfig.Auth auth = config.auth();
    if (!auth.enabled() || !request.getUriInfo().getPath().startsWith("/v1/")) {
      return null;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return unauthorized("send 'Authorization: Bearer <token>'");
    }
    String token = header.substring(PREFIX.length()).trim();
    boolean submitter = matches(token, auth.tokens().orElse(List.of()));
    boolean reader = submitter || matches(token, auth.readTokens().orElse(List.of()));
    if (!reader) {
      return unauthorized("the bearer token is not valid");
    }
    String method = request.getMethod();
    boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    if (!read && !submitter) {
      return ApiError.response(
          Response.Status.FORBIDDEN, "forbidden", "this token may read progress but not submit");
    }
    return null;
  }

  private static Response unauthorized(String message) {
    return Response.fromResponse(
            ApiError.response(Response.Status.UNAUTHORIZED, "unauthorized", message))
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"hartbatch\"")
        .build();
  }

  /** Compares in constant time, so response timing does not reveal token prefixes. */
  private static boolean matches(String token, List<String> tokens) {
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    boolean found = false;
    for (String candidate : tokens) {
      found |= MessageDigest.isEqual(given, candidate.getBytes(StandardCharsets.UTF_8));
    }
    return found && !token.isEmpty();
  }
}
