package org.hartbatch.ingest.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hartbatch.ingest.progress.CatalogProgress;
import org.hartbatch.ingest.progress.ProgressQueries;
import org.hartbatch.ingest.progress.ProgressTopology;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.ProtocolJson;
import org.hartbatch.protocol.topics.Topics;
import org.junit.jupiter.api.Test;

/**
 * Two ingest instances share the progress work: a second Kafka Streams instance of the same
 * application joins the group behind a minimal HTTP front, and reads of the catalogs it owns are
 * forwarded to it by the Quarkus instance.
 */
@QuarkusTest
class RoutingTest {

  private static final String TOKEN = "test-token";

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @ConfigProperty(name = "quarkus.kafka-streams.application-id")
  String applicationId;

  @Inject Topics topics;
  @Inject ProgressTopology topology;
  @Inject ProgressQueries queries;

  @Test
  void readsOfACatalogOwnedByAnotherInstanceAreForwardedToIt() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    HttpServer front = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    int port = front.getAddress().getPort();
    Path stateDir = Files.createTempDirectory("hartbatch-second-instance-");
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + port);
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    config.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    try (KafkaStreams second = new KafkaStreams(topology.topology(topics), config)) {
      front.createContext(
          "/v1/catalogs/",
          exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/v1/catalogs/".length());
            CatalogProgress progress;
            try {
              ReadOnlyKeyValueStore<String, CatalogProgress> store =
                  second.store(
                      StoreQueryParameters.fromNameAndType(
                          ProgressTopology.CATALOG_STORE, QueryableStoreTypes.keyValueStore()));
              progress = store.get(id);
            } catch (InvalidStateStoreException e) {
              exchange.sendResponseHeaders(503, -1);
              exchange.close();
              return;
            }
            byte[] body =
                progress == null
                    ? "{}".getBytes(StandardCharsets.UTF_8)
                    : ProtocolJson.mapper()
                        .writeValueAsBytes(CatalogStatus.of(progress, Instant.now()));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(progress == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      front.start();
      second.start();
      HostInfo secondHost = new HostInfo("localhost", port);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  second.state() == KafkaStreams.State.RUNNING
                      && second.metadataForAllStreamsClients().size() == 2
                      && given().get("/q/health/ready").statusCode() == 200);

      // two catalog ids the second instance owns: one to submit, one never submitted
      java.util.List<String> ownedBySecond = new java.util.ArrayList<>();
      for (int i = 0; ownedBySecond.size() < 2; i++) {
        KeyQueryMetadata owner =
            second.queryMetadataForKey(
                ProgressTopology.CATALOG_STORE, "routed-" + i, Serdes.String().serializer());
        if (secondHost.equals(owner.activeHost())) {
          ownedBySecond.add("routed-" + i);
        }
      }
      String catalogId = ownedBySecond.get(0);
      String catalog = catalogId;
      // while the group settles, the duplicate check may find no owner (503, nothing enqueued)
      AtomicInteger submitted = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                submitted.set(
                    given()
                        .auth()
                        .oauth2(TOKEN)
                        .contentType("application/x-ndjson")
                        .queryParam("catalogId", catalog)
                        .body(
                            "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n{\"prompt\":\"c\"}\n"
                                .getBytes(StandardCharsets.UTF_8))
                        .post("/v1/catalogs")
                        .statusCode());
                return submitted.get() != 503;
              });
      assertEquals(202, submitted.get());
      String job = JobIds.forLine(catalogId, 2);
      new KafkaFixture(bootstrapServers)
          .publish(topics.events().name(), SyntheticEvents.succeeded(catalogId, job, 2));
      String owned = catalogId;
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  given()
                      .auth()
                      .oauth2(TOKEN)
                      .get("/v1/catalogs/" + owned)
                      .then()
                      .statusCode(200)
                      .header("X-Hartbatch-Served-By", equalTo("localhost:" + port))
                      .body("total", equalTo(3))
                      .body("succeeded", equalTo(1))
                      .body("pending", equalTo(2)));
      // the second instance really holds it: the Quarkus instance's own store does not
      assertTrue(queries.catalog(owned).isEmpty());

      // a forwarded read that lands on a non-owner (the group moved the catalog meanwhile) is
      // not forwarded again
      given()
          .auth()
          .oauth2(TOKEN)
          .header("X-Hartbatch-Forwarded", "true")
          .get("/v1/catalogs/" + owned)
          .then()
          .statusCode(503)
          .body("message", containsString("moved to another instance"));

      // an owner that cannot be reached is a 503 to retry, not a 500, for reads and for the
      // duplicate check of a submission, which then enqueues nothing
      front.stop(0);
      given()
          .auth()
          .oauth2(TOKEN)
          .get("/v1/catalogs/" + owned)
          .then()
          .statusCode(503)
          .header("Retry-After", equalTo(Integer.toString(ErrorMappers.RETRY_AFTER_SECONDS)))
          .body("error", equalTo("progress-unavailable"))
          .body("message", containsString("localhost:" + port + ", cannot be reached"));
      String neverSubmitted = ownedBySecond.get(1);
      given()
          .auth()
          .oauth2(TOKEN)
          .contentType("application/x-ndjson")
          .queryParam("catalogId", neverSubmitted)
          .body("{\"prompt\":\"new\"}\n".getBytes(StandardCharsets.UTF_8))
          .post("/v1/catalogs")
          .then()
          .statusCode(503)
          .body("error", equalTo("progress-unavailable"));
      boolean enqueued =
          new KafkaFixture(bootstrapServers)
              .readAll(topics.jobs().name(), r -> true).stream()
                  .anyMatch(
                      r ->
                          new String(r.value(), StandardCharsets.UTF_8)
                              .contains("\"catalogId\":\"" + neverSubmitted + "\""));
      assertFalse(enqueued);
    } finally {
      front.stop(0);
    }
  }
}
