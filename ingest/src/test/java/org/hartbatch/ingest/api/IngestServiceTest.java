package org.hartbatch.ingest.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hartbatch.protocol.JobIds;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.CatalogCompleted;
import org.hartbatch.protocol.events.CatalogSubmitted;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.EventCodec;
import org.hartbatch.protocol.events.EventTypes;
import org.hartbatch.protocol.events.JobFailed;
import org.hartbatch.protocol.topics.Topics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IngestServiceTest {

  private static final String TOKEN = "test-token";
  private static final String JSONL = "application/x-ndjson";

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @Inject Topics topics;

  private KafkaFixture kafka;

  @BeforeEach
  void setUp() {
    kafka = new KafkaFixture(bootstrapServers);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
  }

  private static ValidatableResponse submit(String catalogId, String body, String contentType) {
    return given()
        .auth()
        .oauth2(TOKEN)
        .contentType(contentType)
        .queryParam("catalogId", catalogId)
        .body(utf8(body))
        .post("/v1/catalogs")
        .then();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String lines(int count, Predicate<Integer> bad) {
    StringBuilder out = new StringBuilder();
    for (int line = 1; line <= count; line++) {
      out.append(
          bad.test(line)
              ? "{\"prompt\":\"broken " + line + "\",\"cfg\":\"high\"}\n"
              : "{\"prompt\":\"prompt number " + line + "\"}\n");
    }
    return out.toString();
  }

  private List<RenderJob> jobsOf(String catalogId) {
    return kafka.readAll(topics.jobs().name(), r -> true).stream()
        .map(
            r -> {
              try {
                return RenderJobCodec.decode(r.value());
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            })
        .filter(job -> job.catalogId().equals(catalogId))
        .toList();
  }

  private List<CatalogCompleted> completedEventsOf(String catalogId) {
    return kafka.readAll(topics.events().name(), r -> catalogId.equals(r.key())).stream()
        .filter(r -> EventTypes.CATALOG_COMPLETED.equals(header(r, "ce_type")))
        .map(r -> (CatalogCompleted) EventCodec.fromRecord(r))
        .toList();
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static JsonPath progressOnceKnown(String catalogId) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                progress(catalogId)
                    .statusCode(200)
                    .body("total", org.hamcrest.Matchers.notNullValue()));
    return given().auth().oauth2(TOKEN).get("/v1/catalogs/" + catalogId).jsonPath();
  }

  private static JobFailed failed(String catalogId, String jobId, int attempt) {
    return SyntheticEvents.failed(
        catalogId, jobId, attempt, ErrorCode.RENDER_FAILED, "NaN in the output");
  }

  private static ValidatableResponse progress(String path) {
    return given().auth().oauth2(TOKEN).get("/v1/catalogs/" + path).then();
  }

  @Test
  void requestsWithoutValidTokenAreRefused() {
    given()
        .contentType(JSONL)
        .body(utf8("{\"prompt\":\"p\"}"))
        .post("/v1/catalogs")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("error", equalTo("unauthorized"));
    given().auth().oauth2("wrong").get("/v1/catalogs/any").then().statusCode(401);
    given()
        .header("Authorization", "Basic dXNlcjpwdw==")
        .get("/v1/catalogs/any")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2("read-token")
        .contentType(JSONL)
        .body(utf8("{\"prompt\":\"p\"}"))
        .post("/v1/catalogs")
        .then()
        .statusCode(403)
        .body("error", equalTo("forbidden"));
    given().auth().oauth2("read-token").get("/v1/catalogs/never-submitted").then().statusCode(404);
    given().get("/q/health/live").then().statusCode(200);
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'progress tracking' }.data.state", equalTo("RUNNING"));
  }

  @Test
  void largeCatalogWithSomeBadLinesEnqueuesTheGoodOnesAndReportsTheBad() {
    String catalogId = "large-1";
    JsonPath result =
        submit(catalogId, lines(10_000, line -> line % 1000 == 7), JSONL)
            .statusCode(202)
            .body("catalogId", equalTo(catalogId))
            .body("accepted", equalTo(9_990))
            .body("rejected", equalTo(10))
            .body("rejections", hasSize(10))
            .body("rejectionsTruncated", equalTo(false))
            .body("rejections[0].line", equalTo(7))
            .body("rejections[0].field", equalTo("cfg"))
            .body("rejections[0].rule", equalTo("type"))
            .body("rejections[9].line", equalTo(9007))
            .extract()
            .jsonPath();
    assertTrue(result.getBoolean("enqueued"));

    List<RenderJob> jobs = jobsOf(catalogId);
    assertEquals(9_990, jobs.size());
    Set<String> ids = new HashSet<>();
    jobs.forEach(job -> ids.add(job.jobId()));
    assertEquals(9_990, ids.size(), "job ids are distinct");
    assertTrue(ids.contains(JobIds.forLine(catalogId, 10_000)));

    List<CatalogSubmitted> manifests =
        kafka.readAll(topics.catalogs().name(), r -> catalogId.equals(r.key())).stream()
            .map(r -> (CatalogSubmitted) EventCodec.fromRecord(r))
            .toList();
    assertEquals(1, manifests.size());
    assertEquals(9_990, manifests.get(0).totalJobs());
    assertEquals(10, manifests.get(0).rejectedLines());

    JsonPath progress = progressOnceKnown(catalogId);
    assertEquals(9_990, progress.getInt("total"));
    assertEquals(9_990, progress.getInt("pending"));
    assertEquals("QUEUED", progress.getString("state"));
  }

  @Test
  void repeatedSubmissionEnqueuesNothingAgain() {
    String catalog = lines(20, line -> false);
    submit("repeat-1", catalog, JSONL).statusCode(202).body("accepted", equalTo(20));
    submit("repeat-1", catalog, JSONL)
        .statusCode(200)
        .body("duplicate", equalTo(true))
        .body("accepted", equalTo(20))
        .body("enqueued", equalTo(false));
    assertEquals(20, jobsOf("repeat-1").size());

    String first =
        given()
            .auth()
            .oauth2(TOKEN)
            .contentType("text/csv")
            .header("Idempotency-Key", "nightly-2026-11-25")
            .body("prompt,seed\na cat,1\na dog,2\n")
            .post("/v1/catalogs")
            .then()
            .statusCode(202)
            .extract()
            .path("catalogId");
    given()
        .auth()
        .oauth2(TOKEN)
        .contentType("text/csv")
        .header("Idempotency-Key", "nightly-2026-11-25")
        .body("prompt,seed\na cat,1\na dog,2\n")
        .post("/v1/catalogs")
        .then()
        .statusCode(200)
        .body("catalogId", equalTo(first))
        .body("duplicate", equalTo(true));
    assertEquals(2, jobsOf(first).size());
  }

  @Test
  void allOrNothingEnqueuesNothingWhenALineIsBad() {
    given()
        .auth()
        .oauth2(TOKEN)
        .contentType(JSONL)
        .queryParam("catalogId", "strict-1")
        .queryParam("allOrNothing", true)
        .body(utf8(lines(50, line -> line == 30)))
        .post("/v1/catalogs")
        .then()
        .statusCode(422)
        .body("accepted", equalTo(0))
        .body("rejected", equalTo(1))
        .body("rejections[0].line", equalTo(30))
        .body("enqueued", equalTo(false));
    assertEquals(0, jobsOf("strict-1").size());

    given()
        .auth()
        .oauth2(TOKEN)
        .contentType(JSONL)
        .queryParam("catalogId", "strict-2")
        .queryParam("allOrNothing", true)
        .body(utf8(lines(50, line -> false)))
        .post("/v1/catalogs")
        .then()
        .statusCode(202)
        .body("accepted", equalTo(50));
    assertEquals(50, jobsOf("strict-2").size());
  }

  @Test
  void badRequestsGetClearErrors() {
    submit("bad-type", "{\"prompt\":\"p\"}", "text/plain")
        .statusCode(400)
        .body("message", containsString("Content-Type"));
    submit("bad-header", "prompt,colour\np,red\n", "text/csv")
        .statusCode(400)
        .body("error", equalTo("unreadable-catalog"))
        .body("message", containsString("colour"));
    submit("bad/id", "{\"prompt\":\"p\"}", JSONL)
        .statusCode(400)
        .body("problems[0].field", equalTo("catalogId"));
    given()
        .auth()
        .oauth2(TOKEN)
        .contentType(JSONL)
        .queryParam("catalogId", "bad-cfg")
        .queryParam("cfg", 99)
        .body(utf8("{\"prompt\":\"p\"}"))
        .post("/v1/catalogs")
        .then()
        .statusCode(400)
        .body("problems[0].field", equalTo("cfg"))
        .body("problems[0].rule", equalTo("range"));
    submit("all-bad", "{\"seed\":1}\nnot json\n", JSONL)
        .statusCode(422)
        .body("accepted", equalTo(0))
        .body("rejections[0].field", equalTo("prompt"))
        .body("rejections[1].rule", equalTo("json"));
    submit("empty", "\n\n", JSONL).statusCode(400).body("error", equalTo("empty-catalog"));
    given()
        .auth()
        .oauth2(TOKEN)
        .get("/v1/catalogs/x/results?limit=0")
        .then()
        .statusCode(400)
        .body("message", containsString("limit"));
  }

  @Test
  void singleJobsAreCatalogsOfOne() {
    String catalogId =
        given()
            .auth()
            .oauth2(TOKEN)
            .contentType("application/json")
            .header("Idempotency-Key", "job-key-1")
            .body("{\"prompt\":\"a lighthouse\",\n \"seed\": 3}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .body(
                "jobId",
                equalTo(
                    JobIds.forKey(
                        org.hartbatch.ingest.enqueue.CatalogIds.fromIdempotencyKey("job-key-1"),
                        "job-key-1")))
            .extract()
            .path("catalogId");
    given()
        .auth()
        .oauth2(TOKEN)
        .contentType("application/json")
        .header("Idempotency-Key", "job-key-1")
        .body("{\"prompt\":\"a lighthouse\",\n \"seed\": 3}")
        .post("/v1/jobs")
        .then()
        .statusCode(200)
        .body("duplicate", equalTo(true));
    assertEquals(1, jobsOf(catalogId).size());
    assertEquals(1, progressOnceKnown(catalogId).getInt("total"));

    given()
        .auth()
        .oauth2(TOKEN)
        .contentType("application/json")
        .body("{\"prompt\":\"p\",\"topP\":2}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .body("problems[0].field", equalTo("topP"));
  }

  @Test
  void progressFollowsCompletionEventsAndTheCatalogCompletesOnce() throws Exception {
    String catalogId = "progress-1";
    submit(catalogId, lines(5, line -> false), JSONL).statusCode(202);
    String[] job = new String[6];
    for (int line = 1; line <= 5; line++) {
      job[line] = JobIds.forLine(catalogId, line);
    }
    String events = topics.events().name();
    kafka.publish(
        events,
        SyntheticEvents.succeeded(catalogId, job[1], 1),
        SyntheticEvents.succeeded(catalogId, job[2], 2),
        SyntheticEvents.succeeded(catalogId, job[2], 2), // redelivered: counts once
        failed(catalogId, job[3], 1),
        failed(catalogId, job[4], 1),
        SyntheticEvents.succeeded(catalogId, job[4], 4)); // retried after a failure: now a success

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                progress(catalogId)
                    .statusCode(200)
                    .body("succeeded", equalTo(3))
                    .body("failed", equalTo(1))
                    .body("pending", equalTo(1))
                    .body("state", equalTo("RUNNING"))
                    .body("completedAt", nullValue()));
    JsonPath running = given().auth().oauth2(TOKEN).get("/v1/catalogs/" + catalogId).jsonPath();
    assertTrue(running.getDouble("imagesPerSecond") > 0);
    assertTrue(running.getLong("etaSeconds") >= 0);
    assertEquals(List.of(), completedEventsOf(catalogId));

    kafka.publish(events, failed(catalogId, job[5], 1));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                progress(catalogId)
                    .body("state", equalTo("COMPLETED"))
                    .body("pending", equalTo(0)));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertEquals(1, completedEventsOf(catalogId).size()));
    CatalogCompleted completed = completedEventsOf(catalogId).get(0);
    assertEquals(5, completed.totalJobs());
    assertEquals(3, completed.succeeded());
    assertEquals(2, completed.failed());

    // a late success of a failed job changes the counts but never completes the catalog again
    kafka.publish(
        events,
        SyntheticEvents.succeeded(catalogId, job[5], 5),
        SyntheticEvents.succeeded(catalogId, job[1], 1));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> progress(catalogId).body("succeeded", equalTo(4)).body("failed", equalTo(1)));
    kafka.publish(events, failed(catalogId, job[3], 2));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                progress(catalogId + "/results?limit=5")
                    .body("items.find { it.jobId == '" + job[3] + "' }.attempt", equalTo(2)));
    assertEquals(1, completedEventsOf(catalogId).size());

    // results, paged in job id order
    JsonPath page1 =
        given()
            .auth()
            .oauth2(TOKEN)
            .get("/v1/catalogs/" + catalogId + "/results?limit=3")
            .jsonPath();
    List<String> firstIds = page1.getList("items.jobId");
    assertEquals(3, firstIds.size());
    String next = page1.getString("next");
    assertEquals(firstIds.get(2), next);
    JsonPath page2 =
        given()
            .auth()
            .oauth2(TOKEN)
            .queryParam("after", next)
            .queryParam("limit", 3)
            .get("/v1/catalogs/" + catalogId + "/results")
            .jsonPath();
    List<String> secondIds = page2.getList("items.jobId");
    assertEquals(2, secondIds.size());
    assertEquals(null, page2.getString("next"));
    Set<String> all = new HashSet<>(firstIds);
    all.addAll(secondIds);
    assertEquals(Set.of(job[1], job[2], job[3], job[4], job[5]), all);
    JsonPath third =
        given()
            .auth()
            .oauth2(TOKEN)
            .get("/v1/catalogs/" + catalogId + "/results?limit=5")
            .jsonPath();
    Map<String, Object> failedJob = third.getMap("items.find { it.jobId == '" + job[3] + "' }");
    assertEquals("FAILED", failedJob.get("status"));
    assertEquals("RENDER_FAILED", failedJob.get("errorCode"));
    Map<String, Object> okJob = third.getMap("items.find { it.jobId == '" + job[1] + "' }");
    assertEquals("SUCCEEDED", okJob.get("status"));
    assertEquals(catalogId + "/" + job[1] + ".png", okJob.get("key"));
    assertEquals(1, okJob.get("line"));
  }

  @Test
  void openApiDocumentDescribesTheApi() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body(containsString("/v1/catalogs/{catalogId}/results"))
        .body(containsString("/v1/jobs"));
  }
}
