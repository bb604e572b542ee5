package org.hartbatch.protocol.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalKafkaExtension.class)
class TopicsOnKafkaTest {

  @Test
  void createsMissingTopicsOnceWithTheirSettings(LocalKafka kafka) throws Exception {
    Topics topics =
        Topics.from(
            Map.of(
                "hartbatch.topics.jobs.name", "t.jobs",
                "hartbatch.topics.jobs.partitions", "4",
                "hartbatch.topics.events.name", "t.events",
                "hartbatch.topics.catalogs.name", "t.catalogs",
                "hartbatch.topics.dead-letters.name", "t.dlq"));
    kafka.createTopic("t.events", 1);
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      List<String> created = topics.createMissing(admin, Duration.ofSeconds(30));
      assertEquals(Set.of("t.jobs", "t.catalogs", "t.dlq"), Set.copyOf(created));
      assertEquals(List.of(), topics.createMissing(admin, Duration.ofSeconds(30)));

      Map<String, TopicDescription> described =
          admin.describeTopics(List.of("t.jobs", "t.events")).allTopicNames().get();
      assertEquals(4, described.get("t.jobs").partitions().size());
      assertEquals(1, described.get("t.events").partitions().size(), "existing topic untouched");

      ConfigResource catalogs = new ConfigResource(ConfigResource.Type.TOPIC, "t.catalogs");
      Config config = admin.describeConfigs(List.of(catalogs)).all().get().get(catalogs);
      assertEquals("compact", config.get("cleanup.policy").value());
      ConfigResource jobs = new ConfigResource(ConfigResource.Type.TOPIC, "t.jobs");
      assertEquals(
          "604800000",
          admin.describeConfigs(List.of(jobs)).all().get().get(jobs).get("retention.ms").value());
      assertEquals(
          Set.of("t.jobs", "t.events", "t.catalogs", "t.dlq"),
          admin.listTopics().names().get().stream()
              .filter(n -> n.startsWith("t."))
              .collect(Collectors.toSet()));
    }
  }

  @Test
  void createdTopicsTakeIdempotentWritesAtOnce(LocalKafka kafka) throws Exception {
    // without waiting for the leaders, most fresh topics lost batches here to the delivery timeout
    for (int round = 0; round < 3; round++) {
      String prefix = "fresh" + round + ".";
      Topics topics =
          Topics.from(
              Map.of(
                  "hartbatch.topics.jobs.name", prefix + "jobs",
                  "hartbatch.topics.jobs.partitions", "12",
                  "hartbatch.topics.events.name", prefix + "events",
                  "hartbatch.topics.catalogs.name", prefix + "catalogs",
                  "hartbatch.topics.dead-letters.name", prefix + "dlq"));
      try (Admin admin = Admin.create(kafka.clientConfig())) {
        topics.createMissing(admin, Duration.ofSeconds(30));
      }
      Map<String, Object> config = new HashMap<>(kafka.clientConfig());
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
      AtomicLong failed = new AtomicLong();
      AtomicReference<Exception> firstError = new AtomicReference<>();
      try (var producer =
          new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 20_000; i++) {
          producer.send(
              new ProducerRecord<>(topics.jobs().name(), "job-" + i, "x".repeat(100)),
              (metadata, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                  firstError.compareAndSet(null, error);
                }
              });
        }
        producer.flush();
      }
      assertEquals(0, failed.get(), () -> "writes that failed: " + firstError.get());
    }
  }
}
