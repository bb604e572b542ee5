package org.hartbatch.protocol.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.dlq.DeadLetter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events through a real broker, written and read the way the worker and consumers do. */
@ExtendWith(LocalKafkaExtension.class)
class EventsOverKafkaTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static <V> KafkaProducer<String, V> producer(
      LocalKafka kafka, Serializer<V> values, String transactionalId) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    if (transactionalId != null) {
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(config, new StringSerializer(), values);
  }

  private static <V> List<ConsumerRecord<String, V>> readAll(
      LocalKafka kafka, String topic, Deserializer<V> values, int expected) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // one more poll: nothing beyond what was expected may arrive
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  @Test
  void typedEventsRoundTripThroughATransactionalProducer(LocalKafka kafka) throws Exception {
    String topic = "events-records";
    kafka.createTopic(topic, 3);
    List<HartbatchEvent> sent = Events.oneOfEach();
    try (KafkaProducer<String, byte[]> producer =
        producer(kafka, new ByteArraySerializer(), "worker-1")) {
      producer.initTransactions();
      producer.beginTransaction();
      for (HartbatchEvent event : sent) {
        producer.send(EventCodec.toRecord(topic, event));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(EventCodec.toRecord(topic, Events.succeeded("aborted-job", "cat-1")));
      producer.flush();
      producer.abortTransaction();
    }

    List<ConsumerRecord<String, byte[]>> received =
        readAll(kafka, topic, new ByteArrayDeserializer(), sent.size());
    assertEquals(sent.size(), received.size());
    List<HartbatchEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : received) {
      assertEquals("cat-1", record.key());
      events.add(EventCodec.fromRecord(record));
    }
    // one catalog, one key, one partition: the order is kept
    assertEquals(sent, events);
  }

  @Test
  void serdeWorksWithPlainProducersAndConsumers(LocalKafka kafka) throws Exception {
    String topic = "events-serde";
    kafka.createTopic(topic, 2);
    List<HartbatchEvent> sent =
        List.of(
            Events.succeeded("j1", "cat-a"),
            Events.succeeded("j2", "cat-b"),
            Events.completed("cat-a"));
    try (EventSerde serde = new EventSerde();
        KafkaProducer<String, HartbatchEvent> producer =
            producer(kafka, serde.serializer(), null)) {
      for (HartbatchEvent event : sent) {
        producer.send(new ProducerRecord<>(topic, event.catalogId(), event));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, HartbatchEvent>> received =
        readAll(kafka, topic, new EventSerde().deserializer(), sent.size());
    assertEquals(sent.size(), received.size());
    for (ConsumerRecord<String, HartbatchEvent> record : received) {
      assertEquals(record.key(), record.value().catalogId());
      assertTrue(sent.contains(record.value()), record.value().toString());
      assertEquals(
          record.value().eventType(), new String(record.headers().lastHeader("ce_type").value()));
    }
  }

  @Test
  void deadLettersKeepTheOriginalBytesAndTheirErrorThroughKafka(LocalKafka kafka) throws Exception {
    String jobs = "dlq-source";
    String dlq = "dlq-target";
    kafka.createTopic(jobs, 1);
    kafka.createTopic(dlq, 1);
    byte[] garbage = {'{', 'n', 'o', 't', (byte) 0xff};
    try (KafkaProducer<String, byte[]> producer =
        producer(kafka, new ByteArraySerializer(), null)) {
      producer.send(new ProducerRecord<>(jobs, "job-9", garbage)).get();
    }
    ConsumerRecord<String, byte[]> original =
        readAll(kafka, jobs, new ByteArrayDeserializer(), 1).get(0);
    InvalidJobException invalid =
        assertThrows(InvalidJobException.class, () -> RenderJobCodec.decode(original.value()));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(DeadLetter.record(dlq, original, invalid, Instant.now())).get();
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            kafka.clientConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(dlq, 0)));
      consumer.seekToBeginning(List.of(new TopicPartition(dlq, 0)));
      List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (letters.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
      }
      DeadLetter letter = DeadLetter.read(letters.get(0));
      assertArrayEquals(garbage, letter.value());
      assertArrayEquals("job-9".getBytes(StandardCharsets.UTF_8), letter.key());
      assertEquals(jobs, letter.sourceTopic());
      assertEquals(original.offset(), letter.sourceOffset());
      assertEquals(ErrorCode.INVALID_JOB, letter.errorCode());
      assertEquals("$", letter.field());
      assertTrue(letter.reason().startsWith("$: not valid JSON"), letter.reason());
    }
  }
}
