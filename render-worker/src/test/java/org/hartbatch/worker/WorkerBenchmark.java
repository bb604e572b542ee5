package org.hartbatch.worker;

import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.hartbatch.ops.testing.LocalKafka;
import org.hartbatch.ops.testing.LocalKafkaExtension;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.ops.testing.LocalS3Extension;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.store.StoreConfig;
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
 *   <li>(a) system overhead: jobs/s end to end with a zero-cost renderer and 16x16 images, after a
 *       warm-up, once per S3 write path, with the CPU time of the process split between the worker,
 *       the broker and the S3 server, and the worker process's own share;
 *   <li>(b) pipeline efficiency: the worker's steady-state images/s with a fixed-cost renderer,
 *       divided by the images/s of the same renderer called in a bare loop at the same batch size,
 *       the two measured in alternating rounds so that a change of machine load hits both;
 *   <li>(c) the same with the HART pipeline and its built-in model.
 * </ul>
 */
@ExtendWith({LocalKafkaExtension.class, LocalS3Extension.class})
class WorkerBenchmark {

  private static final String PARTS = System.getProperty("bench.parts", "abc");
  private static final int OVERHEAD_WARMUP = Integer.getInteger("bench.overhead.warmup", 30_000);
  private static final int OVERHEAD_JOBS = Integer.getInteger("bench.overhead.jobs", 20_000);
  private static final int OVERHEAD_BATCH = Integer.getInteger("bench.overhead.batch", 64);
  private static final List<String> OVERHEAD_PUT_CLIENTS =
      List.of(
          System.getProperty("bench.overhead.put-clients", "sdk,signed,sdk,signed").split(",", -1));
  private static final int EFFICIENCY_BATCH = Integer.getInteger("bench.efficiency.batch", 16);
  private static final int EFFICIENCY_BATCHES = Integer.getInteger("bench.efficiency.batches", 8);
  private static final int EFFICIENCY_ROUNDS = Integer.getInteger("bench.efficiency.rounds", 6);
  private static final Duration COST_PER_BATCH =
      Duration.ofMillis(Integer.getInteger("bench.efficiency.batch-ms", 100));
  private static final Duration COST_PER_IMAGE =
      Duration.ofMillis(Integer.getInteger("bench.efficiency.image-ms", 5));

  private static final int HART_BATCH = Integer.getInteger("bench.hart.batch", 4);
  private static final int HART_BATCHES = Integer.getInteger("bench.hart.batches", 3);
  private static final int HART_ROUNDS = Integer.getInteger("bench.hart.rounds", 3);
  private static final String HART_MODEL = "hart-0.7b-1024px";

  private final List<String> report = new ArrayList<>();
  private int runs;

  @Test
  void run(LocalKafka kafka, LocalS3 s3) throws Exception {
    report.add(String.format("load average at start: %s", loadAverage()));
    if (PARTS.contains("a")) {
      overhead(kafka, s3);
    }
    if (PARTS.contains("b")) {
      efficiency(kafka, s3);
    }
    if (PARTS.contains("c")) {
      hartEfficiency(kafka, s3);
    }
    report.add(String.format("load average at end: %s", loadAverage()));
    Path out = Path.of("target", "worker-benchmark.md");
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  private void overhead(LocalKafka kafka, LocalS3 s3) throws Exception {
    for (String putClient : OVERHEAD_PUT_CLIENTS) {
      overhead(kafka, s3, putClient);
    }
  }

  private void overhead(LocalKafka kafka, LocalS3 s3, String putClient) throws Exception {
    String name = "bench-overhead-" + putClient + "-" + runs++;
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, name, 4)) {
      fixture.send(fixture.jobs("bench-a", OVERHEAD_WARMUP + OVERHEAD_JOBS));
      WorkerSettings settings =
          fixture
              .settings("bench-a")
              .maxBatch(OVERHEAD_BATCH)
              .maxWait(Duration.ofMillis(20))
              .build();
      StoreConfig store =
          fixture.storeConfig().toBuilder()
              .putClient(StoreConfig.PutClient.valueOf(putClient.toUpperCase(Locale.ROOT)))
              .build();
      long warmupStart = System.nanoTime();
      CpuBreakdown warmupCpu = CpuBreakdown.start();
      WorkerFixture.Running worker =
          fixture.start(settings, WorkerFixture.renderer(Duration.ZERO), store);
      awaitSucceeded(worker, OVERHEAD_WARMUP);
      double counted = succeeded(worker);
      double warmupSeconds = (System.nanoTime() - warmupStart) / 1e9;
      Map<String, Long> warmupSpent = warmupCpu.stop();
      String warmup =
          String.format(
              "%n    warm-up (the worker's start and its first %.0f jobs): %.0f jobs/s, %.3f CPU"
                  + " ms/job in all, of which JIT compilers %.3f",
              counted,
              counted / warmupSeconds,
              warmupSpent.get("total") / 1e6 / counted,
              warmupCpu.jvmSplit().get(CpuBreakdown.JVM_JIT) / 1e6 / counted);
      double load = Double.parseDouble(loadAverage().split(" ")[0]);
      long start = System.nanoTime();
      CpuBreakdown cpu = CpuBreakdown.start();
      awaitSucceeded(worker, OVERHEAD_WARMUP + OVERHEAD_JOBS);
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Long> spent = cpu.stop();
      double jobs = succeeded(worker) - counted;
      StringBuilder split = new StringBuilder();
      spent.forEach(
          (component, nanos) ->
              split.append(
                  String.format("%n    %-50s %6.3f ms/job", component, nanos / 1e6 / jobs)));
      Map<String, Long> jvm = cpu.jvmSplit();
      split.append(
          String.format(
              "%n    (JVM: garbage collection %.3f, JIT compilers %.3f, VM thread %.3f ms/job)",
              jvm.get(CpuBreakdown.JVM_GC) / 1e6 / jobs,
              jvm.get(CpuBreakdown.JVM_JIT) / 1e6 / jobs,
              jvm.get(CpuBreakdown.JVM_VM) / 1e6 / jobs));
      double totalMs = spent.get("total") / 1e6 / jobs;
      double workerMs = CpuBreakdown.WORKER.stream().mapToLong(spent::get).sum() / 1e6 / jobs;
      double gcShareMs = spent.get(CpuBreakdown.JVM) * cpu.workerAllocationShare() / 1e6 / jobs;
      int cores = Runtime.getRuntime().availableProcessors();
      report.add(
          String.format(
              "(a) system overhead, S3 PUT through %s: %.0f jobs after %d warm-up jobs, batch %d,"
                  + " 16x16 PNG, zero-cost renderer, load %.1f at the start: %.0f jobs/s;"
                  + " CPU time per job:%s%n"
                  + "    i.e. at most %.0f jobs/s on %d dedicated cores%n"
                  + "    worker process alone: threads %.3f + its share of GC/JIT %.3f (%.0f%% of"
                  + " the bytes allocated) = %.3f ms/job, i.e. %.0f jobs/s per dedicated core%s",
              putClient,
              jobs,
              OVERHEAD_WARMUP,
              OVERHEAD_BATCH,
              load,
              jobs / seconds,
              split,
              cores * 1000 / totalMs,
              cores,
              workerMs,
              gcShareMs,
              cpu.workerAllocationShare() * 100,
              workerMs + gcShareMs,
              1000 / (workerMs + gcShareMs),
              warmup));
    }
  }

  private void efficiency(LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "bench-efficiency", 4)) {
      WorkerSettings settings =
          fixture
              .settings("bench-b")
              .maxBatch(EFFICIENCY_BATCH)
              .maxWait(Duration.ofMillis(20))
              .build();
      Interleaved result =
          interleaved(
              fixture,
              fixture.start(settings, fixedCost()),
              fixedCost(),
              EFFICIENCY_BATCH,
              EFFICIENCY_BATCHES,
              EFFICIENCY_ROUNDS,
              UnaryOperator.identity());
      report.add(
          String.format(
                  "(b) pipeline efficiency: batch %d, renderer cost %d ms/batch + %d ms/image, %d"
                      + " rounds of %d batches, worker and bare loop alternating:%s",
                  EFFICIENCY_BATCH,
                  COST_PER_BATCH.toMillis(),
                  COST_PER_IMAGE.toMillis(),
                  EFFICIENCY_ROUNDS,
                  EFFICIENCY_BATCHES,
                  result)
              + stageTimes(fixture));
    }
  }

  /** (c): (b) with the real HART pipeline and its built-in model. */
  private void hartEfficiency(LocalKafka kafka, LocalS3 s3) throws Exception {
    try (WorkerFixture fixture = new WorkerFixture(kafka, s3, "bench-hart", 4);
        Renderer bare = hart()) {
      bare.load();
      WorkerSettings settings =
          fixture.settings("bench-c").maxBatch(HART_BATCH).maxWait(Duration.ofMillis(20)).build();
      Interleaved result =
          interleaved(
              fixture,
              fixture.start(settings, hart()),
              bare,
              HART_BATCH,
              HART_BATCHES,
              HART_ROUNDS,
              job -> job.toBuilder().model(HART_MODEL).build());
      report.add(
          String.format(
                  "(c) pipeline efficiency with HART builtin:tiny (128 px, CPU): batch %d, %d rounds of"
                      + " %d batches, worker and bare loop alternating:%s",
                  HART_BATCH, HART_ROUNDS, HART_BATCHES, result)
              + stageTimes(fixture));
    }
  }

  /** Mean and max of the worker's stage timers over the run, to see where a batch waits. */
  private static String stageTimes(WorkerFixture fixture) {
    StringBuilder out = new StringBuilder(String.format("%n    worker stage times (mean / max):"));
    WorkerFixture.Running worker = fixture.running().get(0);
    for (String stage : List.of("render", "encode", "upload", "commit")) {
      Timer timer = worker.registry().find("hartbatch.worker." + stage).timer();
      if (timer != null && timer.count() > 0) {
        out.append(
            String.format(
                " %s %.1f / %.1f ms;",
                stage, timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS)));
      }
    }
    return out.toString();
  }

  /**
   * Rounds of: the bare renderer for {@code batches} batches, and the running worker for as many
   * jobs (in alternating order from round to round). The worker's rate of a round is taken from its
   * first committed batch to its last (pipeline fill excluded, as in steady state).
   */
  private static Interleaved interleaved(
      WorkerFixture fixture,
      WorkerFixture.Running worker,
      Renderer bare,
      int batch,
      int batches,
      int rounds,
      UnaryOperator<RenderJob> forModel)
      throws Exception {
    List<RenderRequest> rows = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      rows.add(new RenderRequest("a lighthouse at dusk, variation " + i, i, 4.5, true, null, null));
    }
    bare.render(rows);
    workerRound(fixture, worker, "warm-up", batch, batches, forModel);
    Interleaved result = new Interleaved();
    for (int round = 0; round < rounds; round++) {
      double[] rates = new double[2];
      for (int turn = 0; turn < 2; turn++) {
        boolean bareTurn = (turn == 0) == (round % 2 == 0);
        rates[bareTurn ? 0 : 1] =
            bareTurn
                ? bareLoop(bare, rows, batches)
                : workerRound(fixture, worker, "round-" + round, batch, batches, forModel);
      }
      result.add(rates[0], rates[1]);
    }
    return result;
  }

  /** Images/s of the renderer called back to back, as the worker's render thread would. */
  private static double bareLoop(Renderer renderer, List<RenderRequest> rows, int batches)
      throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      renderer.render(rows);
    }
    return rows.size() * (double) batches / ((System.nanoTime() - start) / 1e9);
  }

  /** Sends {@code batches} batches of jobs to the running worker; its committed jobs/s. */
  private static double workerRound(
      WorkerFixture fixture,
      WorkerFixture.Running worker,
      String round,
      int batch,
      int batches,
      UnaryOperator<RenderJob> forModel)
      throws InterruptedException {
    double before = succeeded(worker);
    int total = batch * batches;
    fixture.send(fixture.jobs(round, total).stream().map(forModel).toList());
    double firstCount;
    while ((firstCount = succeeded(worker)) < before + batch) {
      Thread.sleep(1);
    }
    long start = System.nanoTime();
    awaitSucceeded(worker, before + total);
    return (before + total - firstCount) / ((System.nanoTime() - start) / 1e9);
  }

  /** Alternating measurements of the bare loop and the worker, in images/s. */
  private static final class Interleaved {
    private final List<double[]> rounds = new ArrayList<>();

    void add(double bare, double worker) {
      rounds.add(new double[] {bare, worker});
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder();
      double bareSum = 0;
      double workerSum = 0;
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < rounds.size(); i++) {
        double[] r = rounds.get(i);
        bareSum += r[0];
        workerSum += r[1];
        ratios.add(r[1] / r[0]);
        out.append(
            String.format(
                "%n    round %d: bare %.2f images/s, worker %.2f images/s, ratio %.3f",
                i + 1, r[0], r[1], r[1] / r[0]));
      }
      ratios.sort(null);
      out.append(
          String.format(
              "%n    mean bare %.2f, mean worker %.2f: efficiency %.3f (median of rounds %.3f)",
              bareSum / rounds.size(),
              workerSum / rounds.size(),
              workerSum / bareSum,
              ratios.get(ratios.size() / 2)));
      return out.toString();
    }
  }

  private static Renderer hart() {
    return new HartRenderer(
        "builtin:tiny", Optional.empty(), HART_MODEL, Optional.empty(), HART_BATCH);
  }

  private static Renderer fixedCost() {
    return new SyntheticRenderer(
        WorkerFixture.MODEL, COST_PER_BATCH, COST_PER_IMAGE, Optional.empty());
  }

  private static void awaitSucceeded(WorkerFixture.Running worker, double count)
      throws InterruptedException {
    while (succeeded(worker) < count) {
      Thread.sleep(1);
    }
  }

  private static double succeeded(WorkerFixture.Running worker) {
    return worker.counter("hartbatch.worker.jobs", "outcome", "succeeded");
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
