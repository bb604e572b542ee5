package org.hartbatch.protocol.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde of typed events in CloudEvents binary mode, e.g. for Kafka Streams. Binary mode lives
 * in record headers, so the header-less {@code serialize(topic, data)} is refused.
 */
public final class EventSerde implements Serde<HartbatchEvent> {

  private final Clock clock;

  public EventSerde() {
    this(Clock.systemUTC());
  }

  public EventSerde(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Serializer<HartbatchEvent> serializer() {
    return new EventSerializer(clock);
  }

  @Override
  public Deserializer<HartbatchEvent> deserializer() {
    return new EventDeserializer();
  }

  /** Writes typed events as binary-mode CloudEvents stamped by a clock. */
  public static final class EventSerializer implements Serializer<HartbatchEvent> {
    private final CloudEventSerializer cloudEvents = new CloudEventSerializer();
    private final Clock clock;

    public EventSerializer() {
      this(Clock.systemUTC());
    }

    public EventSerializer(Clock clock) {
      this.clock = clock;
      cloudEvents.configure(Map.of(), false);
    }

    @Override
    public byte[] serialize(String topic, HartbatchEvent data) {
      throw new IllegalStateException("CloudEvents binary mode needs record headers");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, HartbatchEvent data) {
      if (data == null) {
        return null;
      }
      CloudEvent event = EventCodec.toCloudEvent(data, clock.instant());
      return cloudEvents.serialize(topic, headers, event);
    }
  }

  /** Reads binary-mode CloudEvents into typed events. */
  public static final class EventDeserializer implements Deserializer<HartbatchEvent> {
    private final CloudEventDeserializer cloudEvents = new CloudEventDeserializer();

    @Override
    public HartbatchEvent deserialize(String topic, byte[] data) {
      throw new IllegalStateException("CloudEvents binary mode needs record headers");
    }

    @Override
    public HartbatchEvent deserialize(String topic, Headers headers, byte[] data) {
      if (data == null) {
        return null;
      }
      CloudEvent event;
      try {
        event = cloudEvents.deserialize(topic, headers, data);
      } catch (RuntimeException e) {
        throw new InvalidEventException(
            "record on " + topic + " is not a CloudEvent: " + e.getMessage(), e);
      }
      return EventCodec.fromCloudEvent(event);
    }
  }
}
