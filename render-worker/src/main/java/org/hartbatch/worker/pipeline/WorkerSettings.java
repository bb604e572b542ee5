package org.hartbatch.worker.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.hartbatch.protocol.topics.Topics;

/**
 * How a worker runs. See {@code application.properties} for the meaning of each setting under
 * {@code hartbatch.worker.*}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId consumer group of all workers
 * @param instanceId this worker's stable name: client id, transactional id suffix, and static group
 *     membership id when {@code staticMembership}
 * @param staticMembership join the group with {@code group.instance.id = instanceId}, so a
 *     restarted worker takes its partitions back without a rebalance
 * @param maxBatch most jobs per batch
 * @param maxWait longest a job waits for its batch to fill
 * @param queuedBatches batches formed ahead of the renderer
 * @param uploadingBatches rendered batches whose images may be encoded and stored at once
 * @param expectedBatchTime a generous bound on one batch's render and upload time; derives the
 *     Kafka poll interval and the time given to work of revoked partitions
 * @param shutdownGrace time given to in-flight batches on shutdown before they are abandoned
 * @param reserveAhead offsets reserved per partition beyond those taken, see {@link
 *     PartitionProgress}
 * @param storeBackoffMin first wait before a job's image is tried again once the store's own
 *     retries are exhausted
 * @param storeBackoffMax longest such wait
 * @param encodeThreads threads encoding PNGs
 * @param topics topic names
 * @param consumerOverrides further Kafka consumer properties, applied last
 * @param producerOverrides further Kafka producer properties, applied last
 */
public record WorkerSettings(
    String bootstrapServers,
    String groupId,
    String instanceId,
    boolean staticMembership,
    int maxBatch,
    Duration maxWait,
    int queuedBatches,
    int uploadingBatches,
    Duration expectedBatchTime,
    Duration shutdownGrace,
    int reserveAhead,
    Duration storeBackoffMin,
    Duration storeBackoffMax,
    int encodeThreads,
    Topics topics,
    Map<String, String> consumerOverrides,
    Map<String, String> producerOverrides) {

  /** Kafka's own lower bound for the poll interval we derive. */
  private static final Duration MIN_POLL_INTERVAL = Duration.ofMinutes(1);

  public WorkerSettings {
    require(maxBatch >= 1, "max-batch", "must be at least 1, was " + maxBatch);
    require(queuedBatches >= 1, "queued-batches", "must be at least 1, was " + queuedBatches);
    require(
        uploadingBatches >= 1, "uploading-batches", "must be at least 1, was " + uploadingBatches);
    require(reserveAhead >= 0, "reserve-ahead", "must not be negative, was " + reserveAhead);
    require(encodeThreads >= 1, "encode-threads", "must be at least 1, was " + encodeThreads);
    require(
        !storeBackoffMin.isNegative() && storeBackoffMax.compareTo(storeBackoffMin) >= 0,
        "store-backoff-max",
        "must be at least store-backoff-min");
    consumerOverrides = Map.copyOf(consumerOverrides);
    producerOverrides = Map.copyOf(producerOverrides);
  }

  private static void require(boolean ok, String key, String reason) {
    if (!ok) {
      throw new IllegalArgumentException("hartbatch.worker." + key + " " + reason);
    }
  }

  /** Batches between the consumer and the commit: queued, rendering, and uploading. */
  public int batchesInFlight() {
    return queuedBatches + 1 + uploadingBatches;
  }

  /**
   * How long a revoked partition's in-flight batches are waited for before their work is abandoned:
   * every in-flight batch may need a full batch time.
   */
  public Duration revokeTimeout() {
    return expectedBatchTime.multipliedBy(batchesInFlight());
  }

  /**
   * {@code max.poll.interval.ms}: the consumer loop only blocks while it waits for revoked work, so
   * twice that wait (and at least a minute) keeps the worker in its group.
   */
  public Duration maxPollInterval() {
    Duration derived = revokeTimeout().multipliedBy(2);
    return derived.compareTo(MIN_POLL_INTERVAL) > 0 ? derived : MIN_POLL_INTERVAL;
  }

  /** Jobs taken from Kafka beyond which the worker pauses its partitions. */
  public int pauseThreshold() {
    return maxBatch * (queuedBatches + 1);
  }

  public Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId);
    if (staticMembership) {
      config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval().toMillis());
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(maxBatch, 100));
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.putAll(consumerOverrides);
    return config;
  }

  public Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, instanceId + "-tx");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "hartbatch-render-worker-" + instanceId);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.putAll(producerOverrides);
    return config;
  }
}
