package org.hartbatch.ingest.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hartbatch.ingest.progress.ProgressQueries;
import org.hartbatch.ingest.progress.ProgressTopology;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.topics.Topics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handled failures of the API: each answers with a clear status and JSON error. */
@QuarkusTest
class FailurePathsTest {

  private static final String TOKEN = "test-token";
  private static final String JSONL = "application/x-ndjson";

  @TestHTTPResource("/v1/catalogs")
  URL catalogs;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @Inject Topics topics;
  @Inject ProgressTopology topology;

  @BeforeEach
  void ready() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
  }

  private static ValidatableResponse submit(String catalogId, String body) {
    return given()
        .auth()
        .oauth2(TOKEN)
        .contentType(JSONL)
        .queryParam("catalogId", catalogId)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .post("/v1/catalogs")
        .then();
  }

  /** Plain HTTP/1.1, so that request bodies go out as they are, without an upgrade attempt. */
  private static final HttpClient HTTP_1_1 =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpRequest post(String catalogId, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create(catalogs + "?catalogId=" + catalogId))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", JSONL)
        .POST(body)
        .build();
  }

  private static String lines(String prompt, int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      out.append("{\"prompt\":\"").append(prompt).append(' ').append(i).append("\"}\n");
    }
    return out.toString();
  }

  private long jobsOnTopic(String catalogId) {
    return new KafkaFixture(bootstrapServers)
        .readAll(topics.jobs().name(), r -> true).stream()
            .filter(r -> catalogOf(r.value()).equals(catalogId))
            .count();
  }

  private static String catalogOf(byte[] job) {
    try {
      return RenderJobCodec.decode(job).catalogId();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void uploadOverTheSizeLimitGets413WithTheLimitNamedAndNothingEnqueued() throws Exception {
    // over the test profile's 1 MB quarkus.http.limits.max-body-size
    byte[] body = lines("a prompt that fills the catalog", 30_000).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response =
        HTTP_1_1.send(
            post("too-big", HttpRequest.BodyPublishers.ofByteArray(body)),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("json"));
    io.restassured.path.json.JsonPath error =
        io.restassured.path.json.JsonPath.from(response.body());
    assertEquals(413, error.getInt("status"));
    assertEquals("request-too-large", error.getString("error"));
    assertTrue(
        error.getString("message").contains(body.length + " bytes")
            && error.getString("message").contains("at most 1048576 bytes"),
        response.body());
    assertEquals(0, jobsOnTopic("too-big"));
    // a body within the limit still goes through
    submit("small-enough", "{\"prompt\":\"p\"}\n").statusCode(202);
  }

  @Test
  void secondSubmissionOfACatalogWhileTheFirstIsStreamingGets409() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // more than the 10 KB Quarkus REST buffers before it hands the body over as a stream
    byte[] first = lines("first part", 2_000).getBytes(StandardCharsets.UTF_8);
    InputStream heldBack =
        new InputStream() {
          private final InputStream rest =
              new ByteArrayInputStream(lines("rest", 1).getBytes(StandardCharsets.UTF_8));

          @Override
          public int read() throws IOException {
            awaitRelease();
            return rest.read();
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            awaitRelease();
            return rest.read(buffer, offset, length);
          }

          private void awaitRelease() throws IOException {
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
        };
    InputStream slowBody = new SequenceInputStream(new ByteArrayInputStream(first), heldBack);
    CompletableFuture<HttpResponse<String>> streaming =
        HTTP_1_1.sendAsync(
            post("in-flight", HttpRequest.BodyPublishers.ofInputStream(() -> slowBody)),
            HttpResponse.BodyHandlers.ofString());
    try {
      // the first line's job on the topic shows the first request holds the catalog
      await().atMost(Duration.ofSeconds(30)).until(() -> jobsOnTopic("in-flight") > 0);
      submit("in-flight", "{\"prompt\":\"other\"}\n")
          .statusCode(409)
          .body("error", equalTo("submission-in-progress"))
          .body("message", containsString("in-flight"));
    } finally {
      release.countDown();
    }
    HttpResponse<String> done = streaming.get();
    assertEquals(202, done.statusCode(), done.body());
    submit("in-flight", "{\"prompt\":\"other\"}\n")
        .statusCode(200)
        .body("duplicate", equalTo(true))
        .body("accepted", equalTo(2_001));
    assertEquals(2_001, jobsOnTopic("in-flight"));
  }

  /** A Streams instance of the topology that cannot finish starting: its broker is unreachable. */
  private KafkaStreams streamsStuckInStartup() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "hartbatch-ingest-unreachable");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + closedPort);
    config.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Files.createTempDirectory("hartbatch-stuck-instance-").toString());
    return new KafkaStreams(topology.topology(topics), config);
  }

  private static void assertRetryLater(ValidatableResponse response) {
    response
        .statusCode(503)
        .header("Retry-After", equalTo(Integer.toString(ErrorMappers.RETRY_AFTER_SECONDS)))
        .body("error", equalTo("progress-unavailable"))
        .body("message", containsString("retry"));
  }

  @Test
  void readsWhileStreamsIsRebalancingAnswer503WithRetryAfter() throws Exception {
    KafkaStreams starting = streamsStuckInStartup();
    try {
      starting.start();
      assertEquals(KafkaStreams.State.REBALANCING, starting.state());
      // this instance's progress reads go to a real Streams instance that holds no store yet:
      // opening a store works, reading it throws InvalidStateStoreException
      QuarkusMock.installMockForType(
          new ProgressQueries(starting, Optional.empty()), ProgressQueries.class);

      assertRetryLater(given().auth().oauth2(TOKEN).get("/v1/catalogs/anything").then());
      assertRetryLater(given().auth().oauth2(TOKEN).get("/v1/catalogs/anything/results").then());
      // the duplicate check of a submission reads progress too: nothing is enqueued
      assertRetryLater(submit("while-rebalancing", "{\"prompt\":\"p\"}\n"));
      assertEquals(0, jobsOnTopic("while-rebalancing"));
    } finally {
      starting.close(Duration.ofSeconds(10));
    }
  }

  @Test
  void readsBeforeStreamsStartsAnswer503WithRetryAfter() throws Exception {
    KafkaStreams created = streamsStuckInStartup();
    try {
      QuarkusMock.installMockForType(
          new ProgressQueries(created, Optional.of("localhost:1")), ProgressQueries.class);
      ValidatableResponse response = given().auth().oauth2(TOKEN).get("/v1/catalogs/x").then();
      assertRetryLater(response);
      response.body("message", containsString("progress tracking is created"));
    } finally {
      created.close(Duration.ofSeconds(10));
    }
  }
}
