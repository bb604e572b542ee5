package org.hartbatch.protocol.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
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
}
