package org.hartbatch.worker.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's meters. In Prometheus: {@code hartbatch_worker_jobs_total{outcome}} (jobs/s as a
 * rate), {@code hartbatch_worker_images_total}, {@code hartbatch_worker_batch_size}, {@code
 * hartbatch_worker_render_seconds}, {@code _encode_seconds}, {@code _upload_seconds}, {@code
 * _commit_seconds}, {@code hartbatch_worker_consumer_lag{topic,partition}}, {@code
 * hartbatch_worker_failures_total{cause}}, {@code hartbatch_worker_paused}, {@code
 * hartbatch_worker_batches_in_flight}, {@code hartbatch_worker_native_memory_bytes}.
 */
public final class WorkerMetrics {

  private final MeterRegistry registry;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter deadLettered;
  private final Counter images;
  private final DistributionSummary batchSize;
  private final Timer render;
  private final Timer encode;
  private final Timer upload;
  private final Timer commit;
  private final MultiGauge lagByPartition;
  private final AtomicLong paused = new AtomicLong();
  private final AtomicLong batchesInFlight = new AtomicLong();

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    succeeded = jobs("succeeded");
    failed = jobs("failed");
    deadLettered = jobs("dead_lettered");
    images =
        Counter.builder("hartbatch.worker.images")
            .description("images rendered (not counting images found already stored)")
            .register(registry);
    batchSize =
        DistributionSummary.builder("hartbatch.worker.batch.size")
            .description("jobs per rendered batch")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(1024.0)
            .register(registry);
    render = timer("render", "rendering of one batch");
    encode = timer("encode", "PNG encoding of one image");
    upload = timer("upload", "storing of one image, retries included");
    commit = timer("commit", "one Kafka transaction: events, dead letters and offsets");
    lagByPartition =
        MultiGauge.builder("hartbatch.worker.consumer.lag")
            .description("records of an assigned partition not yet consumed")
            .register(registry);
    Gauge.builder("hartbatch.worker.paused", paused, AtomicLong::get)
        .description("1 while the worker pauses its partitions because the pipeline is full")
        .register(registry);
    Gauge.builder("hartbatch.worker.batches.in.flight", batchesInFlight, AtomicLong::get)
        .description("batches queued for, in, or past the renderer and not yet committed")
        .register(registry);
    Gauge.builder("hartbatch.worker.native.memory", WorkerMetrics::nativeMemoryBytes)
        .description(
            "resident memory outside the Java heap (model weights, libtorch, buffers), -1 if unknown")
        .baseUnit("bytes")
        .register(registry);
  }

  /** Resident set size minus committed heap, from /proc on Linux. */
  private static double nativeMemoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          long residentKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
          return Math.max(0, residentKb * 1024 - heap);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc unreadable: reported as unknown
    }
    return -1;
  }

  private Counter jobs(String outcome) {
    return Counter.builder("hartbatch.worker.jobs")
        .description("jobs whose outcome was committed")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Timer timer(String stage, String description) {
    return Timer.builder("hartbatch.worker." + stage)
        .description(description)
        .publishPercentileHistogram()
        .register(registry);
  }

  public void succeeded(int n) {
    succeeded.increment(n);
  }

  public void failed(int n) {
    failed.increment(n);
  }

  public void deadLettered(int n) {
    deadLettered.increment(n);
  }

  public void failure(String cause) {
    Counter.builder("hartbatch.worker.failures")
        .description(
            "failures by cause: error codes of failed jobs, store retries, aborted transactions")
        .tag("cause", cause)
        .register(registry)
        .increment();
  }

  public void rendered(int batch, long nanos) {
    images.increment(batch);
    batchSize.record(batch);
    render.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void encoded(long nanos) {
    encode.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void uploaded(long nanos) {
    upload.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void committed(long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The lag of each assigned partition; partitions no longer assigned disappear. */
  public void lag(Map<TopicPartition, Long> records) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    records.forEach(
        (partition, lag) ->
            rows.add(
                MultiGauge.Row.of(
                    Tags.of(
                        "topic",
                        partition.topic(),
                        "partition",
                        Integer.toString(partition.partition())),
                    lag)));
    lagByPartition.register(rows, true);
  }

  public void paused(boolean isPaused) {
    paused.set(isPaused ? 1 : 0);
  }

  public void batchesInFlight(int n) {
    batchesInFlight.set(n);
  }
}
