package org.hartbatch.ingest.progress;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Sends a progress read to the instance that owns the catalog, on behalf of the caller. */
@ApplicationScoped
public class Forwarder {

  /** Marks a forwarded request, so that it is never forwarded again. */
  public static final String FORWARDED_HEADER = "X-Hartbatch-Forwarded";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A forwarded response: the owner's status and JSON body. */
  public record Reply(int status, String body) {}

  /**
   * GETs {@code pathAndQuery} from {@code owner} with the caller's {@code Authorization} header.
   *
   * @throws ProgressUnavailableException when the owner cannot be reached
   */
  public Reply get(ProgressQueries.Remote owner, String pathAndQuery, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .header(FORWARDED_HEADER, "true")
            .header("Accept", "application/json")
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new ProgressUnavailableException(
          "the instance owning this catalog, "
              + owner.host()
              + ":"
              + owner.port()
              + ", cannot be reached: "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProgressUnavailableException("interrupted while forwarding", e);
    }
  }
}
