package org.hartbatch.worker.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.hartbatch.protocol.InvalidJobException;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobCodec;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.store.ImageStore;
import org.hartbatch.worker.render.ModelInfo;
import org.hartbatch.worker.render.Renderer;
import org.jboss.logging.Logger;

/**
 * The consumer loop: takes jobs from the jobs topic, batches them, hands batches to the {@link
 * RenderPipeline}, and commits every outcome together with the consumed offsets in one Kafka
 * transaction. It owns the consumer and the transactional producer; nothing else touches them.
 *
 * <p>Any failed transaction rewinds the worker to what Kafka has committed: the producer is
 * recreated (which also ends a transaction whose outcome is unknown), work in flight is abandoned,
 * and the partitions are read again from their committed offsets. Whatever an abandoned batch
 * stored is found again through the reservation (see {@link PartitionProgress}).
 */
public final class RenderWorker implements Runnable {

  private static final Logger LOG = Logger.getLogger(RenderWorker.class);
  private static final Duration LAG_EVERY = Duration.ofSeconds(1);
  private static final Duration RECOVERY_BACKOFF_MAX = Duration.ofSeconds(5);

  private final WorkerSettings settings;
  private final Renderer renderer;
  private final ImageStore store;
  private final WorkerMetrics metrics;
  private final WorkerStatus status;
  private final Outputs outputs;
  private final Batcher batcher;
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final CountDownLatch finished = new CountDownLatch(1);

  private volatile boolean stopping;
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private RenderPipeline pipeline;
  private ModelInfo model;
  private int inFlight;
  private boolean paused;
  private boolean closing;
  private boolean rewindNeeded;
  private long lagCheckedNanos;

  public RenderWorker(
      WorkerSettings settings,
      Renderer renderer,
      ImageStore store,
      WorkerMetrics metrics,
      WorkerStatus status) {
    this.settings = settings;
    this.renderer = renderer;
    this.store = store;
    this.metrics = metrics;
    this.status = status;
    this.outputs = new Outputs(settings.topics());
    this.batcher = new Batcher(settings.maxBatch(), settings.maxWait());
  }

  /** Asks the loop to stop; it finishes or abandons in-flight work within the shutdown grace. */
  public void stop() {
    stopping = true;
  }

  /** Waits until the loop has exited; false if it did not within {@code timeout}. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    status.loopRunning(true);
    try {
      renderer.load();
      model = renderer.model();
      status.modelLoaded(true);
      LOG.infof(
          "serving %s rev %s at %dx%d",
          model.name(), model.revision(), model.width(), model.height());
      pipeline = new RenderPipeline(renderer, store, outputs, metrics, settings);
      consumer = new KafkaConsumer<>(settings.consumerConfig());
      producer = newProducer();
      consumer.subscribe(List.of(settings.topics().jobs().name()), new Rebalance());
      while (!stopping) {
        loopOnce();
      }
      shutDown();
    } catch (Throwable e) {
      status.failed(e);
      LOG.error("render worker stopped by an unexpected error", e);
    } finally {
      closing = true;
      closeQuietly();
      status.loopRunning(false);
      finished.countDown();
    }
  }

  private void loopOnce() {
    long nowMillis = System.currentTimeMillis();
    ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout(nowMillis));
    status.looped();
    take(records);
    applyCompleted();
    if (commit()) {
      dispatch();
    }
    flowControl();
    reportLag();
  }

  private Duration pollTimeout(long nowMillis) {
    long wait = inFlight > 0 ? 5 : 100;
    long due = batcher.millisUntilDue(nowMillis);
    if (due >= 0 && inFlight < settings.batchesInFlight()) {
      wait = Math.min(wait, due);
    }
    return Duration.ofMillis(wait);
  }

  private void take(ConsumerRecords<byte[], byte[]> records) {
    long now = System.currentTimeMillis();
    for (TopicPartition partition : records.partitions()) {
      PartitionProgress owner = progress.get(partition);
      if (owner == null) {
        continue;
      }
      List<ConsumerRecord<byte[], byte[]>> taken = records.records(partition);
      long last = taken.get(taken.size() - 1).offset();
      if (!owner.isReserved(last)) {
        owner.reserve(last + 1 + settings.reserveAhead());
      }
      for (ConsumerRecord<byte[], byte[]> record : taken) {
        intake(owner, record, now);
      }
    }
  }

  private void intake(PartitionProgress owner, ConsumerRecord<byte[], byte[]> record, long now) {
    owner.take(record.offset());
    int attempt = owner.attemptOf(record.offset());
    RenderJob job;
    try {
      job = RenderJobCodec.decode(record.value());
    } catch (InvalidJobException e) {
      LOG.warnf(
          "dead-lettering %s-%d@%d: %s",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      owner.complete(record.offset(), outputs.invalid(record, e, attempt));
      metrics.deadLettered(1);
      metrics.failure(ErrorCode.INVALID_JOB.name());
      return;
    } catch (RuntimeException e) {
      LOG.errorf(
          e,
          "dead-lettering unreadable %s-%d@%d",
          record.topic(),
          record.partition(),
          record.offset());
      owner.complete(record.offset(), List.of(outputs.unreadable(record, e)));
      metrics.deadLettered(1);
      metrics.failure(ErrorCode.INTERNAL.name());
      return;
    }
    WorkItem item = new WorkItem(owner, record.offset(), job, attempt, now);
    Optional<String> unserved = unserved(job);
    if (unserved.isPresent()) {
      owner.complete(
          record.offset(),
          List.of(outputs.failed(item, ErrorCode.MODEL_UNAVAILABLE, unserved.get(), true)));
      metrics.failed(1);
      metrics.failure(ErrorCode.MODEL_UNAVAILABLE.name());
      return;
    }
    batcher.add(new BatchKey(model.name(), model.revision(), model.width(), model.height()), item);
  }

  private Optional<String> unserved(RenderJob job) {
    if (!model.name().equals(job.model())) {
      return Optional.of(
          "this worker serves model '"
              + model.name()
              + "', the job asks for '"
              + job.model()
              + "'");
    }
    if (job.modelRevision() != null && !job.modelRevision().equals(model.revision())) {
      return Optional.of(
          "this worker serves revision '"
              + model.revision()
              + "' of "
              + model.name()
              + ", the job asks for '"
              + job.modelRevision()
              + "'");
    }
    return Optional.empty();
  }

  private void applyCompleted() {
    for (BatchOutcome outcome : pipeline.completed()) {
      apply(outcome);
    }
    if (rewindNeeded) {
      rewind("a batch came back with unfinished jobs");
    }
  }

  /**
   * Records the outcomes of a finished batch. An unfinished job blocks its partition's commits
   * until the worker rewinds to take it again.
   */
  private void apply(BatchOutcome outcome) {
    inFlight--;
    metrics.batchesInFlight(inFlight);
    for (ItemOutcome item : outcome.items()) {
      PartitionProgress owner = item.item().progress();
      if (owner.isAbandoned()) {
        continue;
      }
      switch (item.kind()) {
        case SUCCEEDED -> metrics.succeeded(1);
        case FAILED -> metrics.failed(1);
        case UNFINISHED -> rewindNeeded = true;
      }
      if (item.kind() != ItemOutcome.Kind.UNFINISHED) {
        owner.complete(item.item().offset(), item.outputs());
      }
    }
  }

  /**
   * Publishes the outcomes that are next in offset order, with their offsets and the reservations,
   * in one transaction.
   *
   * @return whether Kafka now holds everything this worker took (false: it rewound instead)
   */
  private boolean commit() {
    List<ProducerRecord<byte[], byte[]>> toPublish = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionProgress owner : progress.values()) {
      owner.drain(toPublish);
      if (owner.dirty()) {
        offsets.put(owner.partition(), owner.toCommit());
      }
    }
    if (offsets.isEmpty()) {
      return true;
    }
    long start = System.nanoTime();
    try {
      producer.beginTransaction();
      for (ProducerRecord<byte[], byte[]> record : toPublish) {
        producer.send(record);
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (KafkaException e) {
      LOG.warnf(
          "transaction of %d records failed (%s); rewinding to the committed offsets",
          toPublish.size(), e.toString());
      metrics.failure("transaction_failed");
      replaceProducer();
      rewind("a transaction failed");
      return false;
    }
    metrics.committed(System.nanoTime() - start);
    for (TopicPartition partition : offsets.keySet()) {
      progress.get(partition).committed();
    }
    return true;
  }

  private void dispatch() {
    long now = System.currentTimeMillis();
    while (inFlight < settings.batchesInFlight()) {
      Optional<Batch> batch = batcher.poll(now);
      if (batch.isEmpty()) {
        break;
      }
      pipeline.submit(batch.get());
      inFlight++;
    }
    metrics.batchesInFlight(inFlight);
  }

  private void flowControl() {
    boolean full = batcher.size() >= settings.pauseThreshold();
    if (full) {
      consumer.pause(consumer.assignment());
    } else if (paused) {
      consumer.resume(consumer.paused());
    }
    if (full != paused) {
      LOG.debugf(full ? "pipeline full: pausing partitions" : "resuming partitions");
    }
    paused = full;
    metrics.paused(full);
  }

  private void reportLag() {
    long now = System.nanoTime();
    if (now - lagCheckedNanos < LAG_EVERY.toNanos()) {
      return;
    }
    lagCheckedNanos = now;
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (TopicPartition partition : consumer.assignment()) {
      OptionalLong known = consumer.currentLag(partition);
      if (known.isPresent()) {
        lag.put(partition, known.getAsLong());
      }
    }
    metrics.lag(lag);
  }

  /** Abandons all work and reads every assigned partition again from its committed offset. */
  private void rewind(String why) {
    LOG.infof("rewinding to the committed offsets: %s", why);
    rewindNeeded = false;
    for (PartitionProgress owner : progress.values()) {
      owner.abandon();
    }
    progress.clear();
    batcher.removeIf(item -> true);
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = committed(assigned);
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition partition : assigned) {
      OffsetAndMetadata offset = committed.get(partition);
      progress.put(partition, PartitionProgress.assigned(partition, offset));
      if (offset == null) {
        fromStart.add(partition);
      } else {
        consumer.seek(partition, offset);
      }
    }
    if (!fromStart.isEmpty()) {
      // an empty collection would seek every assigned partition to its beginning
      consumer.seekToBeginning(fromStart);
    }
  }

  /** The committed offsets, asked for until the broker answers (or the worker stops). */
  private Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    for (int attempt = 1; ; attempt++) {
      try {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        return committed == null ? Map.of() : committed;
      } catch (TimeoutException e) {
        if (stopping && attempt > 1) {
          throw e;
        }
        LOG.warnf("committed offsets not readable yet (%s); asking again", e.getMessage());
        pause(attempt);
      }
    }
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    for (int attempt = 1; ; attempt++) {
      KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(settings.producerConfig());
      try {
        created.initTransactions();
        return created;
      } catch (KafkaException e) {
        created.close(Duration.ZERO);
        if (stopping && attempt > 1) {
          throw e;
        }
        LOG.warnf("transactional producer not ready (%s); trying again", e.toString());
        pause(attempt);
      }
    }
  }

  private void replaceProducer() {
    producer.close(Duration.ZERO);
    producer = newProducer();
  }

  private static void pause(int attempt) {
    long millis = Math.min(RECOVERY_BACKOFF_MAX.toMillis(), 100L << Math.min(attempt, 10));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recovering", e);
    }
  }

  /**
   * Stops taking jobs, gives the batches in flight the shutdown grace, commits what finished, and
   * abandons the rest (their jobs are taken again by the next owner of their partitions).
   */
  private void shutDown() {
    LOG.infof("stopping: %d batches in flight, grace %s", inFlight, settings.shutdownGrace());
    batcher.removeIf(item -> true);
    awaitInFlight(settings.shutdownGrace());
    commit();
    if (inFlight > 0) {
      LOG.warnf("abandoning %d batches still in flight after the grace period", inFlight);
    }
    closing = true;
  }

  /** Applies completed batches until none is in flight or the timeout passes. */
  private void awaitInFlight(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0 && System.nanoTime() < deadline) {
      try {
        Optional<BatchOutcome> next = pipeline.awaitCompleted(Duration.ofMillis(50));
        if (next.isPresent()) {
          apply(next.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      status.looped();
    }
  }

  private void closeQuietly() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (consumer != null) {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("consumer did not close cleanly", e);
      }
    }
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("producer did not close cleanly", e);
      }
    }
    renderer.close();
  }

  /** Keeps the partition ledgers in step with the group's assignment. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> committed = committed(new HashSet<>(partitions));
      for (TopicPartition partition : partitions) {
        progress.put(partition, PartitionProgress.assigned(partition, committed.get(partition)));
      }
      status.assignedPartitions(progress.size());
      LOG.infof("assigned %s", partitions);
    }

    /**
     * Jobs of the revoked partitions that wait for a batch are dropped; batches in flight get the
     * revoke timeout to finish, and what finished is committed before the partitions go.
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      if (!closing) {
        batcher.removeIf(item -> partitions.contains(item.progress().partition()));
        awaitInFlight(settings.revokeTimeout());
        commit();
      }
      drop(partitions);
      LOG.infof("revoked %s", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
      LOG.warnf("lost %s; their uncommitted work is abandoned", partitions);
    }

    private void drop(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        PartitionProgress owner = progress.remove(partition);
        if (owner != null) {
          owner.abandon();
        }
      }
      status.assignedPartitions(progress.size());
    }
  }
}
