package org.hartbatch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.JobFailed;
import org.junit.jupiter.api.Test;

class RenderJobCodecTest {

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static InvalidJobException rejected(String json) {
    return assertThrows(InvalidJobException.class, () -> RenderJobCodec.decode(utf8(json)));
  }

  private static Set<String> fieldsOf(InvalidJobException e) {
    return e.violations().stream().map(Violation::field).collect(Collectors.toSet());
  }

  @Test
  void everyFieldSurvivesARoundTrip() throws Exception {
    RenderJob job = Jobs.full();
    assertEquals(job, RenderJobCodec.decode(RenderJobCodec.encode(job)));
  }

  @Test
  void encodingWritesWhatTheSharedMapperWrites() throws Exception {
    RenderJob unusual =
        Jobs.valid()
            .prompt("quotes \" and \\ backslash, tab\t, newline\n, \u0001, ünïcode, 😀")
            .seed(Long.MIN_VALUE)
            .guidanceScale(0.1 + 0.2)
            .submittedAt(java.time.Instant.parse("2026-11-25T18:00:00.123456789Z"))
            .metadata(Map.of("b", "2", "a", "ä \"1\""))
            .build();
    for (RenderJob job : List.of(Jobs.valid().build(), Jobs.full(), unusual)) {
      assertEquals(
          new String(ProtocolJson.mapper().writeValueAsBytes(job), StandardCharsets.UTF_8),
          new String(RenderJobCodec.encode(job), StandardCharsets.UTF_8));
    }
  }

  @Test
  void minimalJobGetsTheDefaults() throws Exception {
    RenderJob job =
        RenderJobCodec.decode(
            utf8(
                """
                {"schemaVersion":1,"jobId":"j1","catalogId":"c1","prompt":"a cat",
                 "seed":42,"model":"hart-0.7b-1024px","submittedAt":"2026-11-25T18:00:00Z"}
                """));
    assertEquals(4.5, job.guidanceScale());
    assertTrue(job.moreSmooth());
    assertEquals(OutputFormat.PNG, job.outputFormat());
    assertEquals(Map.of(), job.metadata());
    assertEquals(null, job.topK());
    assertEquals(null, job.modelRevision());
  }

  @Test
  void encodedJsonOmitsAbsentOptionalFields() throws Exception {
    String json = new String(RenderJobCodec.encode(Jobs.valid().build()), StandardCharsets.UTF_8);
    assertFalse(json.contains("topK"), json);
    assertFalse(json.contains("outputPrefix"), json);
    assertTrue(json.contains("\"guidanceScale\":4.5"), json);
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    RenderJob job =
        RenderJobCodec.decode(
            utf8(
                """
                {"schemaVersion":1,"jobId":"j1","catalogId":"c1","prompt":"a cat","seed":42,
                 "model":"m","submittedAt":"2026-11-25T18:00:00Z",
                 "addedInVersion2":{"nested":[1,2,3]},"priority":"high"}
                """));
    assertEquals("j1", job.jobId());
  }

  @Test
  void largestSeedsKeepAll64Bits() throws Exception {
    RenderJob job = Jobs.valid().seed(Long.MIN_VALUE).build();
    assertEquals(Long.MIN_VALUE, RenderJobCodec.decode(RenderJobCodec.encode(job)).seed());
  }

  @Test
  void malformedJsonIsReportedAsSuch() {
    InvalidJobException e = rejected("{\"jobId\": \"j1\",");
    assertEquals(List.of("$"), e.violations().stream().map(Violation::field).toList());
    assertEquals("json", e.violations().get(0).rule());
    assertTrue(e.violations().get(0).message().startsWith("not valid JSON"));
  }

  @Test
  void nonObjectAndMissingValueAreRejected() {
    for (byte[] value : new byte[][] {utf8("[1,2]"), utf8("\"job\""), utf8("null"), null}) {
      InvalidJobException e =
          assertThrows(InvalidJobException.class, () -> RenderJobCodec.decode(value));
      assertEquals("$", e.violations().get(0).field());
    }
  }

  @Test
  void typeErrorsAndRuleErrorsAreAllReportedTogether() {
    InvalidJobException e =
        rejected(
            """
                        {"schemaVersion":1,"jobId":"j1","catalogId":"c1","prompt":"  ",
                         "seed":"forty-two","guidanceScale":"high","moreSmooth":"yes",
                         "topK":1.5,"topP":2,"model":"m","outputFormat":"GIF",
                         "metadata":{"a":1},"submittedAt":"yesterday"}
                        """);
    assertEquals(
        Set.of(
            "prompt",
            "seed",
            "guidanceScale",
            "moreSmooth",
            "topK",
            "topP",
            "outputFormat",
            "metadata.a",
            "submittedAt"),
        fieldsOf(e));
    Map<String, String> rules =
        e.violations().stream().collect(Collectors.toMap(Violation::field, Violation::rule));
    assertEquals("type", rules.get("seed"));
    assertEquals("type", rules.get("submittedAt"));
    assertEquals("type", rules.get("metadata.a"));
    assertEquals("not-blank", rules.get("prompt"));
    assertEquals("range", rules.get("topP"));
    assertTrue(e.getMessage().contains("seed: must be a 64-bit integer, was a string"));
  }

  @Test
  void seedBeyond64BitsIsATypeError() {
    InvalidJobException e =
        rejected(
            """
                        {"schemaVersion":1,"jobId":"j1","catalogId":"c1","prompt":"p",
                         "seed":18446744073709551616,"model":"m",
                         "submittedAt":"2026-11-25T18:00:00Z"}
                        """);
    assertEquals(
        List.of(new Violation("seed", "type", e.violations().get(0).message())), e.violations());
    assertTrue(e.violations().get(0).message().contains("64-bit integer"));
  }

  @Test
  void idsOfAnInvalidJobAreStillReadable() {
    InvalidJobException e = rejected("{\"jobId\":\"j-9\",\"catalogId\":\"c-1\"}");
    assertEquals("j-9", e.jobId().orElseThrow());
    assertEquals("c-1", e.catalogId().orElseThrow());
    assertTrue(fieldsOf(e).containsAll(Set.of("prompt", "seed", "model", "submittedAt")));
  }

  @Test
  void malformedIdsAreNotReportedAsReadable() {
    InvalidJobException e = rejected("{\"jobId\":\"a b\",\"catalogId\":7}");
    assertTrue(e.jobId().isEmpty());
    assertTrue(e.catalogId().isEmpty());
  }

  @Test
  void encodeRefusesAnInvalidJob() {
    InvalidJobException e =
        assertThrows(
            InvalidJobException.class,
            () -> RenderJobCodec.encode(Jobs.valid().prompt("").topK(0).build()));
    assertEquals(Set.of("prompt", "topK"), fieldsOf(e));
  }

  @Test
  void jobRecordsAreKeyedByJobId() throws Exception {
    RenderJob job = Jobs.full();
    ProducerRecord<String, byte[]> record = RenderJobCodec.toRecord("hartbatch.jobs", job);
    assertEquals(job.jobId(), record.key());
    assertEquals(job, RenderJobCodec.decode(record.value()));
  }

  @Test
  void invalidJobsWithReadableIdsBecomeFailureEvents() {
    InvalidJobException e = rejected("{\"jobId\":\"j-9\",\"catalogId\":\"c-1\",\"topK\":0}");
    JobFailed failed = JobFailed.ofInvalidJob(e, 2).orElseThrow();
    assertEquals("j-9", failed.jobId());
    assertEquals("c-1", failed.catalogId());
    assertEquals(ErrorCode.INVALID_JOB, failed.errorCode());
    assertFalse(failed.retriable());
    assertEquals(2, failed.attempt());
    assertEquals(e.violations(), failed.violations());
    assertTrue(failed.message().contains("topK: must be between 1 and 4096, was 0"));
    assertTrue(JobFailed.ofInvalidJob(rejected("{\"jobId\":\"j-9\"}"), 1).isEmpty());
    assertTrue(JobFailed.ofInvalidJob(rejected("not json"), 1).isEmpty());
  }
}
