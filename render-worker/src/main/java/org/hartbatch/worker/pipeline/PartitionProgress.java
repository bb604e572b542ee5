package org.hartbatch.worker.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the worker owes one assigned partition: the records taken but not yet committed, their
 * outcomes (the records to publish for them), the offset to commit next, and the reservation.
 *
 * <p>Outcomes are published strictly in offset order, in the same transaction as the offset that
 * covers them: an outcome is visible to read_committed consumers exactly when its record is
 * committed as consumed.
 *
 * <p><b>Reservation.</b> Before a record is rendered, its offset must be below the partition's
 * reservation, an offset committed with the consumed offsets (as their metadata). After a crash or
 * rebalance, the next owner therefore knows which records an earlier owner may have stored images
 * for: those between the committed offset and the reservation. Only those are looked up in the
 * store before rendering. Not thread-safe: owned by the consumer loop.
 */
public final class PartitionProgress {

  public static final String RESERVATION_PREFIX = "hartbatch.reserved=";

  private final TopicPartition partition;
  private final long mayBeStoredBelow;
  private final TreeMap<Long, List<ProducerRecord<byte[], byte[]>>> slots = new TreeMap<>();
  private long next;
  private long reservedUntil;
  private boolean dirty;
  private volatile boolean abandoned;

  private PartitionProgress(TopicPartition partition, long next, long reservedUntil) {
    this.partition = partition;
    this.next = next;
    this.reservedUntil = reservedUntil;
    this.mayBeStoredBelow = reservedUntil;
  }

  /** Progress of a partition just assigned, whose committed offset is {@code committed}. */
  public static PartitionProgress assigned(TopicPartition partition, OffsetAndMetadata committed) {
    if (committed == null) {
      return new PartitionProgress(partition, -1, -1);
    }
    return new PartitionProgress(
        partition, committed.offset(), Math.max(committed.offset(), reservation(committed)));
  }

  public TopicPartition partition() {
    return partition;
  }

  /** 2 for a record an earlier owner may have stored the image of, else 1. */
  public int attemptOf(long offset) {
    return offset < mayBeStoredBelow ? 2 : 1;
  }

  /** Records a taken record whose outcome is pending. */
  public void take(long offset) {
    if (next < 0) {
      next = offset;
    }
    slots.put(offset, null);
  }

  /** Sets the outcome of a taken record: the records to publish for it, possibly none. */
  public void complete(long offset, List<ProducerRecord<byte[], byte[]>> outputs) {
    if (!slots.containsKey(offset)) {
      throw new IllegalStateException(partition + "@" + offset + " was not taken");
    }
    slots.put(offset, List.copyOf(outputs));
  }

  /** Whether records up to {@code offset} may be rendered without a new reservation. */
  public boolean isReserved(long offset) {
    return offset < reservedUntil;
  }

  /** Raises the reservation to {@code untilExclusive}; committed with the next transaction. */
  public void reserve(long untilExclusive) {
    if (untilExclusive > reservedUntil) {
      reservedUntil = untilExclusive;
      dirty = true;
    }
  }

  /**
   * Moves the outcomes of the leading completed records into {@code outputs} and advances the
   * offset to commit past them.
   */
  public void drain(List<ProducerRecord<byte[], byte[]>> outputs) {
    while (!slots.isEmpty() && slots.firstEntry().getValue() != null) {
      Map.Entry<Long, List<ProducerRecord<byte[], byte[]>>> head = slots.pollFirstEntry();
      outputs.addAll(head.getValue());
      next = head.getKey() + 1;
      dirty = true;
    }
  }

  /** Whether the offset or reservation changed since the last commit. */
  public boolean dirty() {
    return dirty && next >= 0;
  }

  /** The offset and reservation to commit. */
  public OffsetAndMetadata toCommit() {
    return new OffsetAndMetadata(next, RESERVATION_PREFIX + Math.max(reservedUntil, next));
  }

  /** The transaction that carried {@link #toCommit()} committed. */
  public void committed() {
    dirty = false;
  }

  /** Taken records whose outcome is not yet committed. */
  public int pending() {
    return slots.size();
  }

  /**
   * The worker gave the partition up (revoked, lost, or rewound to its committed offset): pending
   * outcomes are dropped and no stage should spend more work on its records.
   */
  public void abandon() {
    abandoned = true;
  }

  public boolean isAbandoned() {
    return abandoned;
  }

  /** Offsets of taken records, in order, for logs and tests. */
  public List<Long> pendingOffsets() {
    return new ArrayList<>(slots.keySet());
  }

  private static long reservation(OffsetAndMetadata committed) {
    String metadata = committed.metadata();
    if (metadata == null || !metadata.startsWith(RESERVATION_PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(metadata.substring(RESERVATION_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
