package org.hartbatch.worker.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hartbatch.hart.pipeline.PngImages;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Sha256;
import org.hartbatch.protocol.events.ErrorCode;
import org.hartbatch.protocol.events.JobSucceeded;
import org.hartbatch.protocol.events.Timings;
import org.hartbatch.store.ImageMetadata;
import org.hartbatch.store.ImageStore;
import org.hartbatch.store.PutResult;
import org.hartbatch.store.StoreException;
import org.hartbatch.store.StoredObject;
import org.hartbatch.worker.render.ModelInfo;
import org.hartbatch.worker.render.RenderException;
import org.hartbatch.worker.render.RenderRequest;
import org.hartbatch.worker.render.RenderResult;
import org.hartbatch.worker.render.Renderer;
import org.jboss.logging.Logger;

/**
 * The stages after batching: one render thread feeds the renderer batch after batch, while the
 * images of earlier batches are encoded (on a pool) and stored (asynchronously). Every submitted
 * batch comes back exactly once from {@link #completed()}.
 *
 * <p>A batch that fails as a whole is split in halves and each half rendered again, down to single
 * jobs, so that one bad prompt fails alone. A store that stays unavailable after its own bounded
 * retries is waited for with backoff, for as long as the job is still owned: its batch holds its
 * place in the pipeline, the pipeline fills and the consumer pauses; nothing is failed or lost.
 */
public final class RenderPipeline implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RenderPipeline.class);
  private static final Duration STORE_WARNING_EVERY = Duration.ofSeconds(5);

  private final Renderer renderer;
  private final ModelInfo model;
  private final ImageStore store;
  private final Outputs outputs;
  private final WorkerMetrics metrics;
  private final WorkerSettings settings;
  private final BlockingQueue<Batch> toRender = new LinkedBlockingQueue<>();
  private final BlockingQueue<BatchOutcome> completed = new LinkedBlockingQueue<>();
  private final ExecutorService encoders;
  private final ScheduledExecutorService backoff;
  private final Map<String, String> pngText;
  private final Thread renderThread;
  private final java.util.concurrent.atomic.AtomicLong lastStoreWarning =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - STORE_WARNING_EVERY.toNanos());
  private volatile boolean running = true;

  public RenderPipeline(
      Renderer renderer,
      ImageStore store,
      Outputs outputs,
      WorkerMetrics metrics,
      WorkerSettings settings) {
    this.renderer = renderer;
    this.model = renderer.model();
    this.store = store;
    this.outputs = outputs;
    this.metrics = metrics;
    this.settings = settings;
    this.pngText =
        Map.of(
            "Software",
            "HART Batch render worker",
            "Source",
            model.name() + " " + model.revision());
    this.encoders =
        Executors.newFixedThreadPool(settings.encodeThreads(), daemon("hartbatch-encode"));
    this.backoff = Executors.newSingleThreadScheduledExecutor(daemon("hartbatch-store-backoff"));
    this.renderThread = daemon("hartbatch-render").newThread(this::renderLoop);
    renderThread.start();
  }

  public void submit(Batch batch) {
    toRender.add(batch);
  }

  /** Batches that finished since the last call, without waiting. */
  public List<BatchOutcome> completed() {
    List<BatchOutcome> out = new ArrayList<>();
    completed.drainTo(out);
    return out;
  }

  /** Waits up to {@code timeout} for a batch to finish. */
  public Optional<BatchOutcome> awaitCompleted(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(completed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Stops every stage; batches still in flight come back with their unfinished jobs. */
  @Override
  public void close() {
    running = false;
    renderThread.interrupt();
    try {
      renderThread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    backoff.shutdownNow();
    encoders.shutdownNow();
  }

  private void renderLoop() {
    while (running) {
      Batch batch;
      try {
        batch = toRender.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (batch == null) {
        continue;
      }
      try {
        process(batch);
      } catch (RuntimeException | InterruptedException e) {
        LOG.errorf(
            e,
            "batch of %d jobs could not be processed; its jobs will be taken again",
            batch.size());
        completed.add(
            new BatchOutcome(batch, batch.items().stream().map(ItemOutcome::unfinished).toList()));
      }
    }
    List<Batch> left = new ArrayList<>();
    toRender.drainTo(left);
    for (Batch batch : left) {
      completed.add(
          new BatchOutcome(batch, batch.items().stream().map(ItemOutcome::unfinished).toList()));
    }
  }

  private void process(Batch batch) throws InterruptedException {
    List<CompletableFuture<ItemOutcome>> outcomes = new ArrayList<>(batch.size());
    List<WorkItem> toRender = new ArrayList<>(batch.size());
    for (WorkItem item : batch.items()) {
      if (item.progress().isAbandoned()) {
        outcomes.add(CompletableFuture.completedFuture(ItemOutcome.unfinished(item)));
        continue;
      }
      Optional<StoredObject> stored = item.mayBeStored() ? lookUp(item) : Optional.empty();
      if (stored.isPresent()) {
        outcomes.add(
            CompletableFuture.completedFuture(
                succeeded(item, batch, stored.get(), true, 0, List.of(), 0, 0)));
      } else {
        toRender.add(item);
      }
    }
    if (!toRender.isEmpty()) {
      List<RenderRequest> rows = toRender.stream().map(i -> request(i.job())).toList();
      long start = System.nanoTime();
      List<RenderResult> results = renderSplitting(rows);
      long renderNanos = System.nanoTime() - start;
      metrics.rendered(rows.size(), renderNanos);
      for (int i = 0; i < results.size(); i++) {
        WorkItem item = toRender.get(i);
        if (results.get(i) instanceof RenderResult.Image image) {
          outcomes.add(store(item, batch, image, renderNanos));
        } else {
          RenderResult.Failed failed = (RenderResult.Failed) results.get(i);
          outcomes.add(
              CompletableFuture.completedFuture(
                  failedOutcome(item, failed.code(), failed.message(), false)));
        }
      }
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ok, error) ->
                completed.add(
                    new BatchOutcome(
                        batch, outcomes.stream().map(CompletableFuture::join).toList())));
  }

  /** Renders the rows; a batch that fails as a whole is rendered again in halves. */
  private List<RenderResult> renderSplitting(List<RenderRequest> rows) {
    try {
      List<RenderResult> results = renderer.render(rows);
      if (results.size() != rows.size()) {
        throw new RenderException(
            ErrorCode.INTERNAL,
            "the renderer returned " + results.size() + " results for " + rows.size() + " rows");
      }
      return results;
    } catch (RenderException | RuntimeException e) {
      ErrorCode code = e instanceof RenderException r ? r.code() : ErrorCode.RENDER_FAILED;
      if (rows.size() == 1) {
        metrics.failure(code.name());
        return List.of(new RenderResult.Failed(code, String.valueOf(e.getMessage())));
      }
      LOG.infof("a batch of %d failed (%s); rendering its halves apart", rows.size(), e.toString());
      metrics.failure("batch_split");
      int half = rows.size() / 2;
      List<RenderResult> results = new ArrayList<>(renderSplitting(rows.subList(0, half)));
      results.addAll(renderSplitting(rows.subList(half, rows.size())));
      return results;
    }
  }

  private static RenderRequest request(RenderJob job) {
    return new RenderRequest(
        job.prompt(), job.seed(), job.guidanceScale(), job.moreSmooth(), job.topK(), job.topP());
  }

  /** The image an earlier attempt stored for this job, if any; waits out store outages. */
  private Optional<StoredObject> lookUp(WorkItem item) throws InterruptedException {
    String key = store.keys().imageKey(item.job());
    try {
      return untilAvailable(() -> store.head(key), item)
          .get()
          .filter(stored -> isImageOf(stored, item.job()));
    } catch (ExecutionException e) {
      // abandoned meanwhile, or a store failure waiting cannot cure: render and let the write
      // decide
      return Optional.empty();
    }
  }

  /** Whether {@code stored} was written for {@code job} by a worker (any attempt of it). */
  private static boolean isImageOf(StoredObject stored, RenderJob job) {
    Map<String, String> metadata = stored.userMetadata();
    return stored.sha256() != null
        && job.jobId().equals(metadata.get(ImageMetadata.JOB_ID))
        && Long.toString(job.seed()).equals(metadata.get(ImageMetadata.SEED))
        && Sha256.hex(job.prompt()).equals(metadata.get(ImageMetadata.PROMPT_SHA256));
  }

  private CompletableFuture<ItemOutcome> store(
      WorkItem item, Batch batch, RenderResult.Image image, long renderNanos) {
    long start = System.nanoTime();
    return CompletableFuture.supplyAsync(
            () -> {
              long encodeStart = System.nanoTime();
              byte[] bytes = PngImages.encode(image.pixels(), pngText);
              metrics.encoded(System.nanoTime() - encodeStart);
              return bytes;
            },
            encoders)
        .thenCompose(
            bytes ->
                untilAvailable(() -> store.putImage(item.job(), model.revision(), bytes), item))
        .thenApply(
            put -> {
              long uploadNanos = System.nanoTime() - start;
              metrics.uploaded(uploadNanos);
              return succeeded(item, batch, put, image, renderNanos, uploadNanos);
            })
        .exceptionallyCompose(error -> storeFailed(item, batch, unwrap(error)));
  }

  private CompletableFuture<ItemOutcome> storeFailed(WorkItem item, Batch batch, Throwable error) {
    if (item.progress().isAbandoned() || !running) {
      return CompletableFuture.completedFuture(ItemOutcome.unfinished(item));
    }
    if (error instanceof StoreException e && e.kind() == StoreException.Kind.CONFLICT) {
      // A different render of this very job (renders need not be bit-exact) counts as its image.
      String key = store.keys().imageKey(item.job());
      return untilAvailable(() -> store.head(key), item)
          .thenApply(
              stored ->
                  stored.filter(s -> isImageOf(s, item.job())).isPresent()
                      ? succeeded(item, batch, stored.get(), true, 0, List.of(), 0, 0)
                      : failedOutcome(item, ErrorCode.STORE_CONFLICT, e.getMessage(), false))
          .exceptionally(again -> ItemOutcome.unfinished(item));
    }
    if (error instanceof StoreException e) {
      return CompletableFuture.completedFuture(
          failedOutcome(item, ErrorCode.STORE_REJECTED, e.getMessage(), false));
    }
    LOG.errorf(error, "job %s could not be stored", item.job().jobId());
    return CompletableFuture.completedFuture(
        failedOutcome(item, ErrorCode.INTERNAL, String.valueOf(error.getMessage()), false));
  }

  /**
   * Calls the store until it answers: transient failures that outlast the store's own retries, and
   * a missing bucket or refused credentials (configuration that an operator can fix), are tried
   * again after a growing pause, for as long as the job is owned and the worker runs.
   */
  private <T> CompletableFuture<T> untilAvailable(
      Supplier<CompletableFuture<T>> call, WorkItem item) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(call, item, 1, result);
    return result;
  }

  private <T> void attempt(
      Supplier<CompletableFuture<T>> call,
      WorkItem item,
      int attempt,
      CompletableFuture<T> result) {
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (value, error) -> {
          if (error == null) {
            result.complete(value);
            return;
          }
          Throwable cause = unwrap(error);
          if (!worthWaitingFor(cause) || !running || item.progress().isAbandoned()) {
            result.completeExceptionally(cause);
            return;
          }
          metrics.failure("store_unavailable");
          long delay = backoffMillis(attempt);
          long now = System.nanoTime();
          long last = lastStoreWarning.get();
          if (now - last > STORE_WARNING_EVERY.toNanos()
              && lastStoreWarning.compareAndSet(last, now)) {
            LOG.warnf(
                "store unavailable (%s); jobs wait for it, next try of %s in %d ms",
                cause.getMessage(), item.job().jobId(), delay);
          }
          try {
            backoff.schedule(
                () -> attempt(call, item, attempt + 1, result), delay, TimeUnit.MILLISECONDS);
          } catch (RuntimeException rejected) {
            result.completeExceptionally(cause);
          }
        });
  }

  private static boolean worthWaitingFor(Throwable error) {
    return error instanceof StoreException e
        && (e.retriable()
            || e.kind() == StoreException.Kind.NO_SUCH_BUCKET
            || e.kind() == StoreException.Kind.ACCESS_DENIED);
  }

  private long backoffMillis(int attempt) {
    long min = Math.max(1, settings.storeBackoffMin().toMillis());
    long max = settings.storeBackoffMax().toMillis();
    return Math.min(max, min << Math.min(attempt - 1, 20));
  }

  private ItemOutcome succeeded(
      WorkItem item,
      Batch batch,
      PutResult put,
      RenderResult.Image image,
      long renderNanos,
      long uploadNanos) {
    return succeeded(
        item,
        batch,
        new StoredObject(
            put.bucket(),
            put.key(),
            put.byteSize(),
            item.job().outputFormat().contentType(),
            put.sha256(),
            Map.of(),
            Instant.now()),
        put.outcome() == PutResult.Outcome.ALREADY_EXISTED,
        image.truncatedTokens(),
        image.unknownWords(),
        renderNanos,
        uploadNanos);
  }

  private ItemOutcome succeeded(
      WorkItem item,
      Batch batch,
      StoredObject stored,
      boolean alreadyExisted,
      int truncatedTokens,
      List<String> unknownWords,
      long renderNanos,
      long uploadNanos) {
    RenderJob job = item.job();
    long queuedMs = Math.max(0, batch.formedAtMillis() - job.submittedAt().toEpochMilli());
    String revision =
        stored.userMetadata().getOrDefault(ImageMetadata.MODEL_REVISION, model.revision());
    JobSucceeded event =
        new JobSucceeded(
            job.jobId(),
            job.catalogId(),
            stored.bucket(),
            stored.key(),
            job.outputFormat().contentType(),
            stored.byteSize(),
            stored.sha256(),
            model.width(),
            model.height(),
            job.seed(),
            job.model(),
            revision,
            new Timings(
                queuedMs,
                TimeUnit.NANOSECONDS.toMillis(renderNanos),
                TimeUnit.NANOSECONDS.toMillis(uploadNanos)),
            batch.size(),
            item.attempt(),
            alreadyExisted,
            truncatedTokens,
            unknownWords,
            warnings(truncatedTokens, unknownWords),
            job.metadata());
    return new ItemOutcome(item, ItemOutcome.Kind.SUCCEEDED, List.of(outputs.event(event)));
  }

  private static List<String> warnings(int truncatedTokens, List<String> unknownWords) {
    List<String> warnings = new ArrayList<>();
    if (truncatedTokens > 0) {
      warnings.add(
          "the prompt is longer than the model reads: its last "
              + truncatedTokens
              + " tokens were dropped");
    }
    if (!unknownWords.isEmpty()) {
      warnings.add(
          "the model does not know these words of the prompt: " + String.join(" ", unknownWords));
    }
    return warnings;
  }

  private ItemOutcome failedOutcome(
      WorkItem item, ErrorCode code, String message, boolean retriable) {
    ProducerRecord<byte[], byte[]> event = outputs.failed(item, code, message, retriable);
    return new ItemOutcome(item, ItemOutcome.Kind.FAILED, List.of(event));
  }

  private static Throwable unwrap(Throwable error) {
    while ((error instanceof CompletionException || error instanceof ExecutionException)
        && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
