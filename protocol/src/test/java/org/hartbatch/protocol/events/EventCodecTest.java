package org.hartbatch.protocol.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.hartbatch.protocol.ProtocolJson;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  private static final Instant TIME = Instant.parse("2026-11-25T19:00:00.125Z");

  /** What a consumer would receive for {@code sent}. */
  private static ConsumerRecord<String, byte[]> received(ProducerRecord<String, byte[]> sent) {
    return new ConsumerRecord<>(
        sent.topic(),
        0,
        42L,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        sent.value() == null ? -1 : sent.value().length,
        sent.key(),
        sent.value(),
        new RecordHeaders(sent.headers().toArray()),
        Optional.empty());
  }

  private static String header(Headers headers, String key) {
    return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  @Test
  void everyEventTypeSurvivesARecordRoundTrip() {
    for (HartbatchEvent event : Events.oneOfEach()) {
      ProducerRecord<String, byte[]> record = EventCodec.toRecord("hartbatch.events", event, TIME);
      assertEquals(event, EventCodec.fromRecord(received(record)));
    }
  }

  @Test
  void recordsAreBinaryModeCloudEventsKeyedByCatalog() {
    JobSucceeded event = Events.succeeded("job-1", "cat-1");
    ProducerRecord<String, byte[]> record = EventCodec.toRecord("hartbatch.events", event, TIME);
    Headers headers = record.headers();
    assertEquals("cat-1", record.key());
    assertEquals("1.0", header(headers, "ce_specversion"));
    assertEquals("org.hartbatch.job.succeeded", header(headers, "ce_type"));
    assertEquals("/hartbatch/render-worker", header(headers, "ce_source"));
    assertEquals("job-1:succeeded", header(headers, "ce_id"));
    assertEquals("job-1", header(headers, "ce_subject"));
    assertEquals("cat-1", header(headers, "ce_partitionkey"));
    assertEquals("2026-11-25T19:00:00.125Z", header(headers, "ce_time"));
    assertEquals("application/json", header(headers, "content-type"));
    String data = new String(record.value(), StandardCharsets.UTF_8);
    assertTrue(data.startsWith("{\"jobId\":\"job-1\",\"catalogId\":\"cat-1\""), data);
  }

  @Test
  void cloudEventAttributesAreReadable() {
    CatalogCompleted event = Events.completed("cat-7");
    CloudEvent cloudEvent =
        EventCodec.readCloudEvent(received(EventCodec.toRecord("t", event, TIME)));
    assertEquals(URI.create("/hartbatch/ingest"), cloudEvent.getSource());
    assertEquals("cat-7:completed", cloudEvent.getId());
    assertEquals(TIME, cloudEvent.getTime().toInstant());
  }

  @Test
  void repeatedFactsKeepTheirIdAndAttemptsGetTheirOwn() {
    assertEquals(
        Events.succeeded("j", "c").eventId(),
        EventCodec.toCloudEvent(Events.succeeded("j", "c"), TIME.plusSeconds(60)).getId());
    JobFailed first = Events.failed("j", "c");
    JobFailed second =
        new JobFailed(
            "j", "c", first.errorCode(), first.message(), true, first.attempt() + 1, null, null);
    assertTrue(!first.eventId().equals(second.eventId()));
  }

  @Test
  void unknownTypesArriveAsUnknownEvents() {
    CloudEvent future =
        CloudEventBuilder.v1()
            .withId("x-1")
            .withSource(URI.create("/hartbatch/next"))
            .withType("org.hartbatch.job.started")
            .withSubject("job-5")
            .withExtension("partitionkey", "cat-1")
            .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8))
            .build();
    HartbatchEvent read = EventCodec.fromCloudEvent(future);
    assertEquals(new UnknownEvent("org.hartbatch.job.started", "x-1", "job-5", "cat-1"), read);
    assertThrows(IllegalArgumentException.class, () -> EventCodec.toCloudEvent(read, TIME));
  }

  @Test
  void unknownDataFieldsAndErrorCodesAreTolerated() {
    CloudEvent newer =
        CloudEventBuilder.v1()
            .withId("j:failed:1")
            .withSource(EventTypes.RENDER_WORKER_SOURCE)
            .withType(EventTypes.JOB_FAILED)
            .withData(
                "application/json",
                """
                {"jobId":"j","catalogId":"c","errorCode":"GPU_ON_FIRE","message":"m",
                 "retriable":true,"attempt":1,"gpu":{"id":3}}
                """
                    .getBytes(StandardCharsets.UTF_8))
            .build();
    JobFailed read = assertInstanceOf(JobFailed.class, EventCodec.fromCloudEvent(newer));
    assertEquals(ErrorCode.UNKNOWN, read.errorCode());
    assertEquals(0, read.violations().size());
  }

  @Test
  void aSuccessWithoutUnknownWordsFromAnOlderWorkerReadsAsNone() throws Exception {
    ObjectNode data = ProtocolJson.mapper().valueToTree(Events.succeeded("j", "c"));
    data.remove("unknownWords");
    CloudEvent older =
        CloudEventBuilder.v1()
            .withId("j:succeeded")
            .withSource(EventTypes.RENDER_WORKER_SOURCE)
            .withType(EventTypes.JOB_SUCCEEDED)
            .withData("application/json", ProtocolJson.mapper().writeValueAsBytes(data))
            .build();
    JobSucceeded read = assertInstanceOf(JobSucceeded.class, EventCodec.fromCloudEvent(older));
    assertEquals(List.of(), read.unknownWords());
    assertEquals(Events.succeeded("j", "c").warnings(), read.warnings());
  }

  @Test
  void plainRecordsAreRejectedWithTheirPosition() {
    ProducerRecord<String, byte[]> plain =
        new ProducerRecord<>("hartbatch.events", "k", "{}".getBytes(StandardCharsets.UTF_8));
    InvalidEventException e =
        assertThrows(InvalidEventException.class, () -> EventCodec.fromRecord(received(plain)));
    assertTrue(e.getMessage().contains("hartbatch.events-0@42"), e.getMessage());
  }

  @Test
  void missingOrBrokenDataIsRejected() {
    CloudEvent noData =
        CloudEventBuilder.v1()
            .withId("i")
            .withSource(EventTypes.INGEST_SOURCE)
            .withType(EventTypes.CATALOG_COMPLETED)
            .build();
    assertThrows(InvalidEventException.class, () -> EventCodec.fromCloudEvent(noData));
    CloudEvent broken =
        CloudEventBuilder.v1(noData)
            .withData(
                "application/json", "{\"totalJobs\":\"many\"".getBytes(StandardCharsets.UTF_8))
            .build();
    InvalidEventException e =
        assertThrows(InvalidEventException.class, () -> EventCodec.fromCloudEvent(broken));
    assertTrue(e.getMessage().contains("unreadable data"), e.getMessage());
  }

  @Test
  void serdeWritesAndReadsThroughHeaders() {
    try (EventSerde serde = new EventSerde()) {
      for (HartbatchEvent event : Events.oneOfEach()) {
        Headers headers = new RecordHeaders();
        byte[] value = serde.serializer().serialize("hartbatch.events", headers, event);
        assertNotNull(headers.lastHeader("ce_id"));
        assertEquals(event, serde.deserializer().deserialize("hartbatch.events", headers, value));
      }
      assertNull(serde.serializer().serialize("t", new RecordHeaders(), null));
      assertThrows(
          IllegalStateException.class,
          () -> serde.serializer().serialize("t", Events.submitted("c")));
      assertThrows(
          InvalidEventException.class,
          () -> serde.deserializer().deserialize("t", new RecordHeaders(), new byte[] {1}));
    }
  }
}
