package org.hartbatch.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.worker.pipeline.WorkerSettings;
import org.hartbatch.worker.render.HartRenderer;
import org.hartbatch.worker.render.RenderRequest;
import org.hartbatch.worker.render.Renderer;
import org.hartbatch.worker.render.SyntheticRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Throughput of the worker against the real local Kafka and S3, reported, never asserted. Run with
 * the {@code bench} profile (see docs/benchmarks.md); results go to stdout and {@code
 * target/worker-benchmark.md}.
 *
 * <ul>
 *   <li>(a) system overhead: jobs/s end to end with a zero-cost renderer and 16x16 images;
 *   <li>(b) pipeline efficiency: the worker's steady-state images/s with a fixed-cost renderer,
 *       divided by the images/s of the same renderer called in a bare loop at the same batch size;
 *   <li>(c) the same with the HART pipeline and its built-in model.
 * </ul>
 */
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class WorkerBenchmark {

  private static final int OVERHEAD_JOBS = Integer.getInteger("bench.overhead.jobs", 20_000);
  private static final int OVERHEAD_BATCH = Integer.getInteger("bench.overhead.batch", 64);
  private static final int EFFICIENCY_BATCH = Integer.getInteger("bench.efficiency.batch", 16);
  private static final int EFFICIENCY_BATCHES = Integer.getInteger("bench.efficiency.batches", 40);
  private static final Duration COST_PER_BATCH =
      Duration.ofMillis(Integer.getInteger("bench.efficiency.batch-ms", 100));
  private static final Duration COST_PER_IMAGE =
      Duration.ofMillis(Integer.getInteger("bench.efficiency.image-ms", 5));

  private static final int HART_BATCH = Integer.getInteger("bench.hart.batch", 4);
  private static final int HART_BATCHES = Integer.getInteger("bench.hart.batches", 6);
  private static final String HART_MODEL = "hart-0.7b-1024px";

  private final List<String> report = new ArrayList<>();

  @Test
  void run(LocalKafka kafka, LocalS3 s3) throws Exception {
    overhead(kafka, s3);
    efficiency(kafka, s3);
    hartEfficiency(kafka, s3);
    Path out = Path.of("target", "worker-benchmark.md");
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  private void overhead(LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "bench-overhead", 4)) {
      fixture.send(fixture.jobs("bench-a", OVERHEAD_JOBS));
      WorkerSettings settings =
          fixture
              .settings("bench-a")
              .maxBatch(OVERHEAD_BATCH)
              .maxWait(Duration.ofMillis(20))
              .build();
      long cpuStart = processCpuNanos();
      double jobsPerSecond =
          steadyRate(
              fixture.start(settings, WorkerFixture.renderer(Duration.ZERO)),
              OVERHEAD_JOBS,
              OVERHEAD_BATCH);
      double cpuMsPerJob = (processCpuNanos() - cpuStart) / 1e6 / OVERHEAD_JOBS;
      report.add(
          String.format(
              "(a) system overhead: %d jobs, batch %d, 16x16 PNG, zero-cost renderer: %.0f jobs/s;"
                  + " %.2f CPU ms per job for the whole JVM (worker, Kafka broker, S3 server),"
                  + " i.e. at most %.0f jobs/s on %d dedicated cores",
              OVERHEAD_JOBS,
              OVERHEAD_BATCH,
              jobsPerSecond,
              cpuMsPerJob,
              Runtime.getRuntime().availableProcessors() * 1000 / cpuMsPerJob,
              Runtime.getRuntime().availableProcessors()));
    }
  }

  private void efficiency(LocalKafka kafka, LocalS3 s3) throws Exception {
    int jobs = EFFICIENCY_BATCH * EFFICIENCY_BATCHES;
    double bare = bareLoop(fixedCost(), EFFICIENCY_BATCH, EFFICIENCY_BATCHES);
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "bench-efficiency", 4)) {
      fixture.send(fixture.jobs("bench-b", jobs));
      WorkerSettings settings =
          fixture
              .settings("bench-b")
              .maxBatch(EFFICIENCY_BATCH)
              .maxWait(Duration.ofMillis(20))
              .build();
      double worker = steadyRate(fixture.start(settings, fixedCost()), jobs, EFFICIENCY_BATCH);
      report.add(
          String.format(
              "(b) pipeline efficiency: batch %d, renderer cost %d ms/batch + %d ms/image, %d batches:"
                  + " bare loop %.1f images/s, worker %.1f images/s, efficiency %.3f",
              EFFICIENCY_BATCH,
              COST_PER_BATCH.toMillis(),
              COST_PER_IMAGE.toMillis(),
              EFFICIENCY_BATCHES,
              bare,
              worker,
              worker / bare));
    }
  }

  /** (c): (b) with the real HART pipeline and its built-in model. */
  private void hartEfficiency(LocalKafka kafka, LocalS3 s3) throws Exception {
    int jobs = HART_BATCH * HART_BATCHES;
    double bare;
    try (Renderer renderer = hart()) {
      renderer.load();
      bare = bareLoop(renderer, HART_BATCH, HART_BATCHES);
    }
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "bench-hart", 4)) {
      fixture.send(
          fixture.jobs("bench-c", jobs).stream()
              .map(job -> job.toBuilder().model(HART_MODEL).build())
              .toList());
      WorkerSettings settings =
          fixture.settings("bench-c").maxBatch(HART_BATCH).maxWait(Duration.ofMillis(20)).build();
      double worker = steadyRate(fixture.start(settings, hart()), jobs, HART_BATCH);
      report.add(
          String.format(
              "(c) pipeline efficiency with HART builtin:tiny (128 px, CPU): batch %d, %d batches:"
                  + " bare loop %.2f images/s, worker %.2f images/s, efficiency %.3f",
              HART_BATCH, HART_BATCHES, bare, worker, worker / bare));
    }
  }

  private static Renderer hart() {
    return new HartRenderer(
        "builtin:tiny", Optional.empty(), HART_MODEL, Optional.empty(), HART_BATCH);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static Renderer fixedCost() {
    return new SyntheticRenderer(
        WorkerFixture.MODEL, COST_PER_BATCH, COST_PER_IMAGE, Optional.empty());
  }

  /** Images/s of the renderer called back to back, as the worker's render thread would. */
  private static double bareLoop(Renderer renderer, int batch, int batches) throws Exception {
    List<RenderRequest> rows = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      rows.add(new RenderRequest("a lighthouse at dusk, variation " + i, i, 4.5, true, null, null));
    }
    renderer.render(rows);
    long start = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      renderer.render(rows);
    }
    return batch * (double) batches / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Committed jobs/s once the first batch is committed (start-up and group join excluded) until the
   * last one is.
   */
  private static double steadyRate(WorkerFixture.Running worker, int total, int firstBatch)
      throws InterruptedException {
    double startCount;
    while ((startCount = succeeded(worker)) < firstBatch) {
      Thread.sleep(1);
    }
    long start = System.nanoTime();
    while (succeeded(worker) < total) {
      Thread.sleep(1);
    }
    return (total - startCount) / ((System.nanoTime() - start) / 1e9);
  }

  private static double succeeded(WorkerFixture.Running worker) {
    return worker.counter("hartbatch.worker.jobs", "outcome", "succeeded");
  }
}
