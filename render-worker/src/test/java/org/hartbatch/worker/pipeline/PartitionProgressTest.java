package org.hartbatch.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  private static final TopicPartition JOBS_0 = new TopicPartition("jobs", 0);

  @Test
  void publishesOutcomesOnlyInOffsetOrderWithTheOffsetThatCoversThem() {
    PartitionProgress progress = PartitionProgress.assigned(JOBS_0, new OffsetAndMetadata(10));
    progress.take(10);
    progress.take(11);
    progress.take(12);
    progress.complete(11, List.of(record("b")));
    progress.complete(12, List.of(record("c")));

    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    progress.drain(out);
    assertEquals(List.of(), out, "11 and 12 wait for 10");
    assertFalse(progress.dirty());

    progress.complete(10, List.of(record("a")));
    progress.drain(out);
    assertEquals(List.of("a", "b", "c"), out.stream().map(r -> new String(r.value())).toList());
    assertTrue(progress.dirty());
    assertEquals(13, progress.toCommit().offset());
    progress.committed();
    assertFalse(progress.dirty());
  }

  @Test
  void theReservationTravelsWithTheOffsetAndMarksPossiblyStoredJobsAfterAHandOver() {
    PartitionProgress first = PartitionProgress.assigned(JOBS_0, null);
    first.take(0);
    assertFalse(first.isReserved(0));
    first.reserve(50);
    assertTrue(first.isReserved(49));
    assertTrue(first.dirty());
    OffsetAndMetadata committed = first.toCommit();
    assertEquals(0, committed.offset());

    PartitionProgress next = PartitionProgress.assigned(JOBS_0, committed);
    assertEquals(2, next.attemptOf(0), "an earlier owner may have stored it");
    assertEquals(2, next.attemptOf(49));
    assertEquals(1, next.attemptOf(50), "never reserved, so never rendered");
  }

  @Test
  void aPartitionNeverCommittedHasNothingPossiblyStored() {
    PartitionProgress progress = PartitionProgress.assigned(JOBS_0, new OffsetAndMetadata(7, ""));
    assertEquals(1, progress.attemptOf(7));
    assertFalse(progress.isReserved(7));
  }

  private static ProducerRecord<byte[], byte[]> record(String value) {
    return new ProducerRecord<>("events", value.getBytes());
  }
}
