package org.hartbatch.worker.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Collects jobs into batches of jobs that share a {@link BatchKey}: a batch is ready when it holds
 * {@code maxBatch} jobs or its oldest job has waited {@code maxWait} since it was taken. Not
 * thread-safe: used by the consumer loop only.
 */
public final class Batcher {

  private final int maxBatch;
  private final long maxWaitMillis;
  private final Map<BatchKey, List<WorkItem>> groups = new LinkedHashMap<>();
  private int size;

  public Batcher(int maxBatch, Duration maxWait) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.maxWaitMillis = maxWait.toMillis();
  }

  public void add(BatchKey key, WorkItem item) {
    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
    size++;
  }

  /** Jobs waiting for a batch. */
  public int size() {
    return size;
  }

  /**
   * Removes and returns the next ready batch: a full one first, else the one whose oldest job has
   * waited longest, once that job has waited {@code maxWait}.
   */
  public Optional<Batch> poll(long nowMillis) {
    Map.Entry<BatchKey, List<WorkItem>> oldest = null;
    for (Map.Entry<BatchKey, List<WorkItem>> group : groups.entrySet()) {
      if (group.getValue().size() >= maxBatch) {
        return Optional.of(take(group.getKey(), group.getValue(), nowMillis));
      }
      if (oldest == null || since(group.getValue()) < since(oldest.getValue())) {
        oldest = group;
      }
    }
    if (oldest != null && nowMillis - since(oldest.getValue()) >= maxWaitMillis) {
      return Optional.of(take(oldest.getKey(), oldest.getValue(), nowMillis));
    }
    return Optional.empty();
  }

  /** Milliseconds until {@link #poll} returns a batch even if no job arrives; -1 when empty. */
  public long millisUntilDue(long nowMillis) {
    long due = -1;
    for (List<WorkItem> group : groups.values()) {
      long left =
          group.size() >= maxBatch ? 0 : Math.max(0, since(group) + maxWaitMillis - nowMillis);
      due = due < 0 ? left : Math.min(due, left);
    }
    return due;
  }

  /** Drops the waiting jobs that match, e.g. those of revoked partitions. */
  public void removeIf(Predicate<WorkItem> drop) {
    for (Iterator<List<WorkItem>> it = groups.values().iterator(); it.hasNext(); ) {
      List<WorkItem> group = it.next();
      int before = group.size();
      group.removeIf(drop);
      size -= before - group.size();
      if (group.isEmpty()) {
        it.remove();
      }
    }
  }

  private static long since(List<WorkItem> group) {
    return group.get(0).takenAtMillis();
  }

  private Batch take(BatchKey key, List<WorkItem> group, long nowMillis) {
    List<WorkItem> head = group.subList(0, Math.min(maxBatch, group.size()));
    Batch batch = new Batch(key, head, nowMillis);
    size -= head.size();
    head.clear();
    if (group.isEmpty()) {
      groups.remove(key);
    }
    return batch;
  }
}
