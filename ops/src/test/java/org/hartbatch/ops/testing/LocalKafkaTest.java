package org.hartbatch.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hartbatch.protocol.topics.TopicLeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalKafkaExtension.class)
class LocalKafkaTest {

  private final LocalKafka kafka;

  LocalKafkaTest(LocalKafka kafka) {
    this.kafka = kafka;
  }

  @Test
  void sharesOneBrokerPerTestClass(LocalKafka injected) {
    assertSame(kafka, injected);
  }

  @Test
  void adminClientCreatesTopics() throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      admin.createTopics(List.of(new NewTopic("admin-created", 4, (short) 1))).all().get();
      // creation returns before the broker's metadata has the topic
      TopicLeaders.await(admin, Map.of("admin-created", 4), Duration.ofSeconds(60));
      assertTrue(admin.listTopics().names().get().contains("admin-created"));
      var description =
          admin.describeTopics(List.of("admin-created")).allTopicNames().get().get("admin-created");
      assertEquals(4, description.partitions().size());
    }
  }

  @Test
  void createTopicWaitsForEveryPartition() throws Exception {
    kafka.createTopic("helper-created", 3);
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      var partitions =
          admin
              .describeTopics(List.of("helper-created"))
              .allTopicNames()
              .get()
              .get("helper-created")
              .partitions();
      assertEquals(3, partitions.size());
      assertTrue(partitions.stream().allMatch(p -> p.leader() != null));
    }
  }

  @Test
  void createTopicRefusesAnExistingTopic() {
    kafka.createTopic("taken", 1);
    var error = assertThrows(IllegalStateException.class, () -> kafka.createTopic("taken", 1));
    assertTrue(error.getMessage().contains("taken"));
    assertTrue(error.getCause() instanceof TopicExistsException);
  }

  @Test
  void readCommittedConsumerSkipsAbortedTransactions() {
    kafka.createTopic("tx", 2);
    try (var producer = transactionalProducer("tx-writer")) {
      producer.initTransactions();
      sendInTransaction(producer, "tx", "committed-1", true);
      sendInTransaction(producer, "tx", "aborted", false);
      sendInTransaction(producer, "tx", "committed-2", true);
    }

    assertEquals(Set.of("committed-1", "committed-2"), Set.copyOf(readAll("tx", "read_committed")));
    assertEquals(
        Set.of("committed-1", "aborted", "committed-2"),
        Set.copyOf(readAll("tx", "read_uncommitted")));
  }

  @Test
  void restartKeepsPortAndCommittedData() throws Exception {
    kafka.createTopic("survives", 1);
    String before = kafka.bootstrapServers();
    try (var producer = transactionalProducer("restart-writer")) {
      producer.initTransactions();
      sendInTransaction(producer, "survives", "before-restart", true);
    }

    kafka.restart();

    assertEquals(before, kafka.bootstrapServers());
    try (var producer = transactionalProducer("restart-writer")) {
      producer.initTransactions();
      sendInTransaction(producer, "survives", "after-restart", true);
    }
    assertEquals(List.of("before-restart", "after-restart"), readAll("survives", "read_committed"));
  }

  private KafkaProducer<String, String> transactionalProducer(String transactionalId) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, String topic, String value, boolean commit) {
    producer.beginTransaction();
    try {
      producer.send(new ProducerRecord<>(topic, value, value)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError("send failed", e);
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  /** Reads the topic from the start until the end offsets seen at this isolation level. */
  private List<String> readAll(String topic, String isolationLevel) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-" + isolationLevel);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
    List<String> values = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
        if (!consumer.assignment().isEmpty()
            && consumer.assignment().stream()
                .allMatch(p -> consumer.position(p) >= consumer.endOffsets(List.of(p)).get(p))) {
          return values;
        }
      }
    }
    throw new AssertionError("did not reach the end of " + topic + "; read " + values);
  }
}
