package org.hartbatch.protocol.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hartbatch.protocol.KafkaRecords;
import org.hartbatch.protocol.ProtocolJson;

/**
 * Typed events to and from CloudEvents 1.0 in the Kafka protocol binding's binary mode: attributes
 * in {@code ce_*} headers, the JSON data as the record value, the catalog id as the record key.
 */
public final class EventCodec {

  private static final ObjectMapper MAPPER = ProtocolJson.mapper();

  private static final Map<String, Class<? extends HartbatchEvent>> DATA_TYPES =
      Map.of(
          EventTypes.JOB_SUCCEEDED, JobSucceeded.class,
          EventTypes.JOB_FAILED, JobFailed.class,
          EventTypes.CATALOG_SUBMITTED, CatalogSubmitted.class,
          EventTypes.CATALOG_COMPLETED, CatalogCompleted.class);

  private EventCodec() {}

  /** The CloudEvent of {@code event}, stamped with {@code time}. */
  public static CloudEvent toCloudEvent(HartbatchEvent event, Instant time) {
    if (event instanceof UnknownEvent) {
      throw new IllegalArgumentException("an event of unknown type cannot be written");
    }
    byte[] data;
    try {
      data = MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("event data does not serialize: " + event, e);
    }
    return CloudEventBuilder.v1()
        .withId(event.eventId())
        .withSource(EventTypes.sourceOf(event.eventType()))
        .withType(event.eventType())
        .withSubject(event.subject())
        .withTime(time.atOffset(ZoneOffset.UTC))
        .withDataContentType(EventTypes.DATA_CONTENT_TYPE)
        .withExtension(EventTypes.PARTITION_KEY_EXTENSION, event.catalogId())
        .withData(data)
        .build();
  }

  /** A binary-mode record of {@code event} for {@code topic}, keyed by catalog id. */
  public static ProducerRecord<String, byte[]> toRecord(
      String topic, HartbatchEvent event, Instant time) {
    return KafkaMessageFactory.createWriter(topic, event.catalogId())
        .writeBinary(toCloudEvent(event, time));
  }

  /** Same as {@link #toRecord(String, HartbatchEvent, Instant)} stamped now. */
  public static ProducerRecord<String, byte[]> toRecord(String topic, HartbatchEvent event) {
    return toRecord(topic, event, Instant.now());
  }

  /** The CloudEvent of an events-topic record, for consumers that want its attributes too. */
  public static CloudEvent readCloudEvent(ConsumerRecord<?, byte[]> record) {
    try {
      return KafkaMessageFactory.createReader(record).toEvent();
    } catch (CloudEventRWException | IllegalStateException e) {
      throw new InvalidEventException(
          "record at " + KafkaRecords.position(record) + " is not a CloudEvent: " + e.getMessage(),
          e);
    }
  }

  /** The typed event of an events-topic record. */
  public static HartbatchEvent fromRecord(ConsumerRecord<?, byte[]> record) {
    return fromCloudEvent(readCloudEvent(record));
  }

  /** The typed data of a CloudEvent; {@link UnknownEvent} for a type this reader does not know. */
  public static HartbatchEvent fromCloudEvent(CloudEvent event) {
    Object partitionKey = event.getExtension(EventTypes.PARTITION_KEY_EXTENSION);
    Class<? extends HartbatchEvent> dataType = DATA_TYPES.get(event.getType());
    if (dataType == null) {
      return new UnknownEvent(
          event.getType(),
          event.getId(),
          event.getSubject(),
          partitionKey == null ? null : partitionKey.toString());
    }
    CloudEventData data = event.getData();
    if (data == null) {
      throw new InvalidEventException(
          "event " + event.getId() + " of type " + event.getType() + " has no data");
    }
    try {
      return MAPPER.readValue(data.toBytes(), dataType);
    } catch (IOException e) {
      throw new InvalidEventException(
          "event " + event.getId() + " of type " + event.getType() + " has unreadable data", e);
    }
  }
}
