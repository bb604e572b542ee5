package org.hartbatch.protocol.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits for new topics to be writable. A created topic's partitions show a leader in the metadata
 * before that broker has taken them over; an idempotent producer that writes in this window gets
 * {@code NOT_LEADER_OR_FOLLOWER}, then {@code OUT_OF_ORDER_SEQUENCE_NUMBER} for the batches behind
 * the first, and can retry them until its delivery timeout. Asking each partition's leader for its
 * latest offset succeeds only once the leader serves the partition.
 */
public final class TopicLeaders {

  private static final long RETRY_PAUSE_MS = 50;

  private TopicLeaders() {}

  /** Returns once the leader of every partition of the given topics answers for it. */
  public static void await(Admin admin, Map<String, Integer> partitionsByTopic, Duration timeout)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitionsByTopic.forEach(
        (topic, partitions) -> {
          for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
          }
        });
    if (latest.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            "the leaders of " + partitionsByTopic.keySet() + " did not answer within " + timeout);
      }
      try {
        admin.listOffsets(latest).all().get(left, TimeUnit.NANOSECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw new IllegalStateException(
              "cannot reach the leaders of "
                  + partitionsByTopic.keySet()
                  + ": "
                  + e.getCause().getMessage(),
              e.getCause());
        }
        Thread.sleep(RETRY_PAUSE_MS);
      }
    }
  }
}
