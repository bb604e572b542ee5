package org.hartbatch.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** The ingest REST API as the CLI uses it. */
final class IngestClient {

  /** A response: its status and JSON body (a missing or non-JSON body reads as an empty object). */
  record Reply(int status, JsonNode body) {
    boolean ok() {
      return status / 100 == 2;
    }

    /** The server's explanation of an error, or the status alone. */
    String explanation() {
      JsonNode message = body.get("message");
      StringBuilder out =
          new StringBuilder("HTTP " + status + (message == null ? "" : ": " + message.asText()));
      JsonNode problems = body.get("problems");
      if (problems != null) {
        for (JsonNode problem : problems) {
          out.append("\n  ")
              .append(problem.path("field").asText())
              .append(": ")
              .append(problem.path("reason").asText());
        }
      }
      return out.toString();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  IngestClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Uploads a catalog file; the body is streamed from disk. */
  Reply submit(Path file, String mediaType, String idempotencyKey, Map<String, String> query)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        request("/v1/catalogs", query)
            .header("Content-Type", mediaType)
            .POST(HttpRequest.BodyPublishers.ofFile(file));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(request.build());
  }

  Reply get(String path, Map<String, String> query) throws IOException, InterruptedException {
    return send(request(path, query).GET().build());
  }

  private HttpRequest.Builder request(String path, Map<String, String> query) {
    StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach(
        (name, value) -> {
          if (value != null) {
            params.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        });
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve(path + params)).header("Accept", "application/json");
    if (token != null && !token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body;
    try {
      body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      body =
          JSON.createObjectNode()
              .put("message", new String(response.body(), StandardCharsets.UTF_8));
    }
    return new Reply(response.statusCode(), body);
  }
}
