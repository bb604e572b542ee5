package org.hartbatch.hart.bench;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.pipeline.BuiltinModel;
import org.hartbatch.hart.pipeline.GenerationRequest;
import org.hartbatch.hart.pipeline.GenerationResult;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.pipeline.PngImages;
import org.hartbatch.hart.runtime.RuntimeConfig;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.VaeConfig;

/**
 * Text-to-PNG throughput of {@link HartPipeline} with a built-in model at several batch sizes:
 * images/s, the time split by phase, and achieved GFLOP/s against the spec's cost model (§9) and
 * the engine's fp32 matmul peak measured in the same run. Not a test. Run it with one intra-op
 * thread: GFLOP per CPU-second is then comparable with the single-thread peak, and stays meaningful
 * while other processes share the machine.
 *
 * <p>Args: {@code MODEL [BATCH...]}, e.g. {@code mid 1 4 16}. Every batch size runs once after a
 * warm-up at batch 1 and 2 (timed and printed apart); prompts and seeds differ per image. MODEL is
 * a random-weight shape ({@code tiny}, {@code mid}, {@code 0.7b}), reported with its GFLOP, or any
 * other model spec ({@code builtin:shapes}, a checkpoint directory), timed only. The device and
 * precision come from {@code hart.device} and {@code hart.precision}; on a GPU the CPU columns are
 * the host's.
 */
public final class PipelineBench {

  public static void main(String[] args) throws Exception {
    String spec = args.length > 0 ? args[0] : "tiny";
    // A random-weight shape (tiny, mid, 0.7b) has a cost model; other specs (builtin:shapes, a
    // checkpoint directory) are timed only.
    BuiltinModel model =
        BuiltinModel.all().stream()
            .filter(m -> m.spec().equals(spec) || m.name().equals(spec))
            .findFirst()
            .orElse(null);
    String modelSpec = model != null ? model.spec() : spec;
    List<Integer> batches = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      batches.add(Integer.parseInt(args[i]));
    }
    if (batches.isEmpty()) {
      batches = List.of(1, 4, 16, 32);
    }
    RuntimeConfig runtime = RuntimeConfig.fromSystemProperties();
    double peakWall;
    double peak;
    try (NDManager manager = NDManager.newBaseManager(runtime.device())) {
      peakWall = CoreBench.matmulPeakGflops(manager);
      peak = CoreBench.matmulPeakPerCpuSecond();
    }
    System.out.printf(
        "model %s on %s in %s; DJL fp32 1024^3 matmul peak %.1f GFLOP/s, %.1f GFLOP per CPU-s%n",
        modelSpec, runtime.device(), runtime.computeType(), peakWall, peak);
    int maxBatch = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
    long openStart = System.nanoTime();
    try (HartPipeline hart =
        HartPipeline.open(
            modelSpec, PipelineOptions.defaults().withRuntime(runtime).withMaxBatch(maxBatch))) {
      long warmStart = System.nanoTime();
      hart.generate(requests(1, 1000));
      long warm1 = System.nanoTime();
      hart.generate(requests(2, 2000));
      long warm2 = System.nanoTime();
      System.out.printf(
          "%d px; open (weights) %.2f s; warm-up (not in the table) batch 1: %.2f s, batch 2:"
              + " %.2f s%n",
          hart.info().imageSize(),
          (warmStart - openStart) / 1e9,
          (warm1 - warmStart) / 1e9,
          (warm2 - warm1) / 1e9);
      System.out.println(
          "| batch | images/s | CPU s/image | GFLOP/image (model) | GFLOP/CPU-s | % of peak |"
              + " phase split, wall s |");
      System.out.println("|---|---|---|---|---|---|---|");
      List<String> phaseLines = new ArrayList<>();
      for (int b : batches) {
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        List<GenerationResult> results;
        try {
          results = hart.generate(requests(b, b * 7919L));
        } catch (RuntimeException e) {
          // Typically out of device memory: report it and stop, larger batches would fail too.
          System.out.printf("| %d | failed: %s | | | | | |%n", b, e.toString().replace('|', '/'));
          break;
        }
        long png = System.nanoTime();
        for (GenerationResult r : results) {
          PngImages.encode(r.image(), Map.of());
        }
        long end = System.nanoTime();
        double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
        Map<String, Long> phases = new LinkedHashMap<>(results.get(0).timingsNanos());
        phases.put("png", end - png);
        double seconds = (end - t0) / 1e9;
        StringBuilder split = new StringBuilder();
        phases.forEach((k, v) -> split.append(String.format("%s %.2f; ", k, v / 1e9)));
        if (model == null) {
          System.out.printf(
              "| %d | %.3f | %.2f | - | - | - | %s|%n", b, b / seconds, cpuSeconds / b, split);
          continue;
        }
        double gflop = 2 * macs(model, b) / 1e9;
        System.out.printf(
            "| %d | %.3f | %.2f | %.2f | %.1f | %.0f%% | %s|%n",
            b,
            b / seconds,
            cpuSeconds / b,
            gflop / b,
            gflop / cpuSeconds,
            100 * gflop / cpuSeconds / peak,
            split);
        phaseLines.add(phaseEfficiency(model, b, phases, cpuSeconds / seconds, peak));
      }
      phaseLines.forEach(System.out::println);
    }
  }

  /**
   * Per phase at batch {@code b}: CPU seconds per image (the phase's wall time times the run's CPU
   * per wall second), and for the modelled phases GFLOP per image and GFLOP per CPU-second as a
   * share of the peak.
   */
  private static String phaseEfficiency(
      BuiltinModel model, int b, Map<String, Long> phases, double cpuPerWall, double peak) {
    HartTransformerConfig t = HartTransformerConfig.from(model.transformerConfig());
    StringBuilder line = new StringBuilder("batch " + b + ", CPU s / GFLOP / % of peak per image:");
    phases.forEach(
        (phase, nanos) -> {
          double cpu = nanos / 1e9 * cpuPerWall / b;
          double macs = phaseMacs(model, t, phase, b);
          line.append(String.format(" %s %.3f", phase, cpu));
          if (macs > 0) {
            double gflop = 2 * macs / 1e9 / b;
            line.append(String.format(" / %.2f / %.0f%%", gflop, 100 * gflop / cpu / peak));
          }
          line.append(';');
        });
    return line.toString();
  }

  private static double phaseMacs(
      BuiltinModel model, HartTransformerConfig t, String phase, int b) {
    if (phase.startsWith("stage ")) {
      return transformerMacs(t, model.vocab(), Integer.parseInt(phase.substring(6)), b);
    }
    return switch (phase) {
      case "diffusion" -> diffusionMacs(model, t, b);
      case "decode" -> b * CoreBench.decoderMacs(VaeConfig.from(model.vaeConfig()), t.latentSide());
      default -> 0;
    };
  }

  /** CPU time of the whole process: steadier than wall time on a shared machine. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static List<GenerationRequest> requests(int count, long seed) {
    List<GenerationRequest> out = new ArrayList<>();
    String[] words = {"red", "boat", "tree", "house", "sky", "cat", "river", "mountain"};
    for (int i = 0; i < count; i++) {
      String prompt =
          "a " + words[i % words.length] + " and a " + words[(i * 3 + 1) % words.length];
      out.add(GenerationRequest.of(prompt, seed + i));
    }
    return out;
  }

  /**
   * Spec §9.1 MACs of one batch of {@code b} images, as this port computes it: the transformer over
   * {@code G = 2b} sequences (head at stage 0 on the last position only), the residual diffusion (8
   * steps over {@code G·P²} rows) and the decoder per image. Text encoding is not counted.
   */
  static double macs(BuiltinModel model, int b) {
    HartTransformerConfig t = HartTransformerConfig.from(model.transformerConfig());
    double transformer = 0;
    for (int s = 0; s < t.stages(); s++) {
      transformer += transformerMacs(t, model.vocab(), s, b);
    }
    double decoder = b * CoreBench.decoderMacs(VaeConfig.from(model.vaeConfig()), t.latentSide());
    return transformer + diffusionMacs(model, t, b) + decoder;
  }

  /**
   * Stage {@code s} of the transformer over {@code G = 2b} sequences; stage 0 embeds the context.
   */
  static double transformerMacs(HartTransformerConfig t, double v, int s, int b) {
    double c = t.embedDim();
    double f = t.ffnHidden();
    double g = 2.0 * b;
    double nq = t.queries(s);
    double nkv = t.keysThrough(s);
    double macs =
        g
            * (t.depth() * (nq * (4 * c * c + 3 * c * f) + 2 * nq * nkv * c)
                + (s == 0 ? 1 : nq) * c * v);
    return s == 0 ? macs + g * t.contextTokens() * t.contextDim() * c : macs;
  }

  /** 8 diffusion steps over the {@code G·P²} rows of the last stage. */
  static double diffusionMacs(BuiltinModel model, HartTransformerConfig t, int b) {
    double c = t.embedDim();
    double w = model.diffusionWidth();
    double cv = model.latentChannels();
    double md =
        cv * w
            + 256 * w
            + w * w
            + c * w
            + model.diffusionDepth() * 5 * w * w
            + 2 * w * w
            + 2 * cv * w;
    double side = t.latentSide();
    return 8 * 2.0 * b * side * side * md;
  }
}
