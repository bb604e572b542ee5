package org.hartbatch.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.hartbatch.protocol.RenderJob;
import org.junit.jupiter.api.Test;

class BatcherTest {

  private static final BatchKey A = new BatchKey("m", "1", 64, 64);
  private static final BatchKey B = new BatchKey("m", "2", 64, 64);
  private final PartitionProgress partition =
      PartitionProgress.assigned(new TopicPartition("jobs", 0), null);

  @Test
  void aFullBatchIsReadyAtOnceAndTakesNoMoreThanMaxBatch() {
    Batcher batcher = new Batcher(3, Duration.ofSeconds(10));
    for (int i = 0; i < 4; i++) {
      batcher.add(A, item(i, 0));
    }

    Batch batch = batcher.poll(0).orElseThrow();

    assertEquals(List.of(0L, 1L, 2L), batch.items().stream().map(WorkItem::offset).toList());
    assertTrue(batcher.poll(0).isEmpty(), "one job alone waits for its batch to fill");
    assertEquals(1, batcher.size());
  }

  @Test
  void aPartialBatchIsReadyOnceItsOldestJobWaitedMaxWait() {
    Batcher batcher = new Batcher(8, Duration.ofMillis(100));
    batcher.add(A, item(0, 1_000));
    batcher.add(A, item(1, 1_050));

    assertTrue(batcher.poll(1_099).isEmpty());
    assertEquals(1, batcher.millisUntilDue(1_099));
    assertEquals(2, batcher.poll(1_100).orElseThrow().size());
    assertEquals(-1, batcher.millisUntilDue(1_100));
  }

  @Test
  void jobsThatMustDifferAreNeverBatchedTogether() {
    Batcher batcher = new Batcher(2, Duration.ofMillis(100));
    batcher.add(A, item(0, 0));
    batcher.add(B, item(1, 0));
    batcher.add(A, item(2, 0));

    Batch first = batcher.poll(0).orElseThrow();
    Batch second = batcher.poll(100).orElseThrow();

    assertEquals(A, first.key());
    assertEquals(List.of(0L, 2L), first.items().stream().map(WorkItem::offset).toList());
    assertEquals(B, second.key());
  }

  @Test
  void dropsTheJobsOfRevokedPartitions() {
    Batcher batcher = new Batcher(4, Duration.ofMillis(100));
    PartitionProgress other = PartitionProgress.assigned(new TopicPartition("jobs", 1), null);
    batcher.add(A, item(0, 0));
    batcher.add(A, new WorkItem(other, 0, job(9), 1, 0));

    batcher.removeIf(item -> item.progress() == other);

    assertEquals(1, batcher.size());
    assertEquals(
        List.of(0L),
        batcher.poll(100).orElseThrow().items().stream().map(WorkItem::offset).toList());
  }

  private WorkItem item(long offset, long takenAt) {
    return new WorkItem(partition, offset, job(offset), 1, takenAt);
  }

  private static RenderJob job(long n) {
    return RenderJob.builder()
        .jobId("job-" + n)
        .catalogId("cat")
        .prompt("p")
        .seed(n)
        .model("m")
        .submittedAt(Instant.EPOCH)
        .build();
  }
}
