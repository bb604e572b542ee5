package org.hartbatch.protocol.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Every topic of HART Batch in one place.
 *
 * <p>Each can be configured with the keys {@code hartbatch.topics.<role>.name}, {@code
 * .partitions}, {@code .replication-factor} and {@code .retention-ms}, where role is {@code jobs},
 * {@code events}, {@code catalogs} or {@code dead-letters}.
 *
 * @param jobs render jobs, key = job id (spreads a catalog over all workers)
 * @param events completion events ({@code job.succeeded}, {@code job.failed}, {@code
 *     catalog.completed}), key = catalog id
 * @param catalogs catalog manifests ({@code catalog.submitted}), key = catalog id, compacted
 * @param deadLetters job records that could not be processed, key = the original key
 */
public record Topics(TopicSpec jobs, TopicSpec events, TopicSpec catalogs, TopicSpec deadLetters) {

  public static final String PREFIX = "hartbatch.topics.";

  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  public static Topics defaults() {
    return new Topics(
        new TopicSpec("hartbatch.jobs", 12, (short) -1, retention(7 * DAY_MS), "job id"),
        new TopicSpec("hartbatch.events", 6, (short) -1, retention(14 * DAY_MS), "catalog id"),
        new TopicSpec(
            "hartbatch.catalogs",
            3,
            (short) -1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
            "catalog id"),
        new TopicSpec(
            "hartbatch.jobs.dlq", 3, (short) -1, retention(30 * DAY_MS), "original record key"));
  }

  /** The defaults overridden by whatever {@code config} has under {@link #PREFIX}. */
  public static Topics from(Function<String, Optional<String>> config) {
    Topics defaults = defaults();
    return new Topics(
        override(config, "jobs", defaults.jobs()),
        override(config, "events", defaults.events()),
        override(config, "catalogs", defaults.catalogs()),
        override(config, "dead-letters", defaults.deadLetters()));
  }

  /** {@link #from(Function)} over a plain map, e.g. Kafka-style properties. */
  public static Topics from(Map<String, ?> config) {
    return from(key -> Optional.ofNullable(config.get(key)).map(Object::toString));
  }

  public List<TopicSpec> all() {
    return List.of(jobs, events, catalogs, deadLetters);
  }

  /**
   * Creates the topics that do not exist yet, leaving existing ones untouched, and returns once the
   * ones it created can be written to.
   *
   * @return the names of the topics it created
   */
  public List<String> createMissing(Admin admin, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Set<String> existing =
          admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : all()) {
        if (!existing.contains(spec.name())) {
          missing.add(spec.newTopic());
        }
      }
      List<String> created = new ArrayList<>();
      Map<String, Integer> createdPartitions = new HashMap<>();
      var results = admin.createTopics(missing).values();
      for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> result :
          results.entrySet()) {
        long left = Math.max(1, deadline - System.nanoTime());
        try {
          result.getValue().get(left, TimeUnit.NANOSECONDS);
          created.add(result.getKey());
          createdPartitions.put(result.getKey(), partitionsOf(missing, result.getKey()));
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
      TopicLeaders.await(
          admin, createdPartitions, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e);
    }
  }

  private static int partitionsOf(List<NewTopic> topics, String name) {
    return topics.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow()
        .numPartitions();
  }

  private static Map<String, String> retention(long ms) {
    return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(ms));
  }

  private static TopicSpec override(
      Function<String, Optional<String>> config, String role, TopicSpec base) {
    String prefix = PREFIX + role + ".";
    Map<String, String> configs = new HashMap<>(base.configs());
    config
        .apply(prefix + "retention-ms")
        .ifPresent(
            ms ->
                configs.put(
                    TopicConfig.RETENTION_MS_CONFIG,
                    Long.toString(number(prefix + "retention-ms", ms, -1, Long.MAX_VALUE))));
    return new TopicSpec(
        config.apply(prefix + "name").orElse(base.name()),
        config
            .apply(prefix + "partitions")
            .map(v -> (int) number(prefix + "partitions", v, 1, Integer.MAX_VALUE))
            .orElse(base.partitions()),
        config
            .apply(prefix + "replication-factor")
            .map(v -> (short) number(prefix + "replication-factor", v, -1, Short.MAX_VALUE))
            .orElse(base.replicationFactor()),
        configs,
        base.key());
  }

  private static long number(String key, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'", e);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + ", was " + parsed);
    }
    return parsed;
  }
}
