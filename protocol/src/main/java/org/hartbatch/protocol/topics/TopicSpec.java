package org.hartbatch.protocol.topics;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One topic: its name, how to create it, and what its record keys are.
 *
 * @param name topic name
 * @param partitions partition count when the topic is created
 * @param replicationFactor replication factor when created; {@code -1} takes the broker's default
 * @param configs topic configs when created, e.g. {@code retention.ms}, {@code cleanup.policy}
 * @param key what the record key is, for people
 */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> configs, String key) {

  public TopicSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + ": partitions must be at least 1, was " + partitions);
    }
    if (replicationFactor < 1 && replicationFactor != -1) {
      throw new IllegalArgumentException(
          "topic "
              + name
              + ": replication factor must be at least 1, or -1 for the broker default, was "
              + replicationFactor);
    }
    configs = Map.copyOf(configs);
  }

  public NewTopic newTopic() {
    return new NewTopic(
            name,
            Optional.of(partitions),
            replicationFactor == -1 ? Optional.empty() : Optional.of(replicationFactor))
        .configs(configs);
  }
}
