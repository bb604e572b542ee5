package org.hartbatch.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quarkus test resource that starts a {@link LocalKafka} and points the application at it.
 *
 * <p>Init arg {@code topics}: topics to create before the application starts, as a comma-separated
 * list of {@code name:partitions} (partitions default to 1), e.g. {@code
 * hartbatch.jobs:4,hartbatch.events:4}.
 *
 * <pre>{@code
 * @QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true,
 *     initArgs = @ResourceArg(name = "topics", value = "hartbatch.jobs:4"))
 * }</pre>
 */
public final class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

  private Map<String, Integer> topics = Map.of();
  private LocalKafka kafka;
  private Path streamsStateDir;

  @Override
  public void init(Map<String, String> initArgs) {
    topics = parseTopics(initArgs.getOrDefault("topics", ""));
  }

  @Override
  public Map<String, String> start() {
    kafka = LocalKafka.start();
    try {
      topics.forEach(kafka::createTopic);
    } catch (RuntimeException e) {
      kafka.close();
      kafka = null;
      throw e;
    }
    // A Streams state dir left from an earlier broker would replay stale state: always fresh.
    streamsStateDir = TempDirs.create("hartbatch-streams-");
    return Map.of(
        "kafka.bootstrap.servers", kafka.bootstrapServers(),
        "kafka-streams.state.dir", streamsStateDir.toString(),
        "quarkus.kafka.devservices.enabled", "false");
  }

  @Override
  public void stop() {
    try {
      if (kafka != null) {
        kafka.close();
      }
    } finally {
      if (streamsStateDir != null) {
        TempDirs.deleteRecursively(streamsStateDir);
      }
    }
  }

  static Map<String, Integer> parseTopics(String spec) {
    Map<String, Integer> parsed = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int colon = trimmed.lastIndexOf(':');
      String name = colon < 0 ? trimmed : trimmed.substring(0, colon).trim();
      int partitions = colon < 0 ? 1 : partitions(trimmed, trimmed.substring(colon + 1).trim());
      if (name.isEmpty()) {
        throw new IllegalArgumentException("topics: '" + trimmed + "' has no topic name");
      }
      parsed.put(name, partitions);
    }
    return parsed;
  }

  private static int partitions(String entry, String value) {
    try {
      int partitions = Integer.parseInt(value);
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "topics: '" + entry + "' needs at least 1 partition, got " + partitions);
      }
      return partitions;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "topics: '" + entry + "' partitions '" + value + "' is not a number", e);
    }
  }
}
