package org.hartbatch.protocol.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void defaultsNameEveryTopic() {
    Topics topics = Topics.defaults();
    assertEquals(
        List.of("hartbatch.jobs", "hartbatch.events", "hartbatch.catalogs", "hartbatch.jobs.dlq"),
        topics.all().stream().map(TopicSpec::name).toList());
    assertEquals("compact", topics.catalogs().configs().get("cleanup.policy"));
    assertEquals("604800000", topics.jobs().configs().get("retention.ms"));
  }

  @Test
  void configurationOverridesDefaults() {
    Topics topics =
        Topics.from(
            Map.of(
                "hartbatch.topics.jobs.name", "test.jobs",
                "hartbatch.topics.jobs.partitions", "4",
                "hartbatch.topics.events.replication-factor", "3",
                "hartbatch.topics.dead-letters.retention-ms", "1000",
                "unrelated.key", "x"));
    assertEquals(
        new TopicSpec("test.jobs", 4, (short) -1, topics.jobs().configs(), "job id"),
        topics.jobs());
    assertEquals(3, topics.events().replicationFactor());
    assertEquals("1000", topics.deadLetters().configs().get("retention.ms"));
    assertEquals(Topics.defaults().catalogs(), topics.catalogs());
  }

  @Test
  void newTopicsUseTheBrokerDefaultReplicationUnlessSet() {
    NewTopic jobs = Topics.defaults().jobs().newTopic();
    assertEquals(12, jobs.numPartitions());
    assertEquals(-1, jobs.replicationFactor());
    NewTopic replicated =
        Topics.from(Map.of("hartbatch.topics.jobs.replication-factor", "3")).jobs().newTopic();
    assertEquals(3, replicated.replicationFactor());
  }

  @Test
  void badValuesNameTheKey() {
    IllegalArgumentException notNumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> Topics.from(Map.of("hartbatch.topics.jobs.partitions", "many")));
    assertEquals(
        "hartbatch.topics.jobs.partitions must be an integer, was 'many'", notNumber.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> Topics.from(Map.of("hartbatch.topics.events.partitions", "0")));
    assertTrue(
        zero.getMessage().startsWith("hartbatch.topics.events.partitions must be between 1"));
    IllegalArgumentException rf =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Topics.from(
                    key -> Optional.of("0").filter(v -> key.endsWith("replication-factor"))));
    assertTrue(rf.getMessage().contains("replication factor must be at least 1"), rf.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Topics.from(Map.of("hartbatch.topics.catalogs.name", " ")));
  }
}
