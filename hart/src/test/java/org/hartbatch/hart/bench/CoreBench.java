package org.hartbatch.hart.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.SeededNoise;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.BatchScope;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.MultiScaleLatent;
import org.hartbatch.hart.vae.VaeConfig;

/**
 * Times the residual-diffusion sampler and the VAE decoder at the released model's widths with
 * random weights, next to the engine's fp32 matmul peak measured in the same run. Not a test.
 *
 * <p>Args: {@code [diffusionRows] [latentSide]} (defaults 256 and 8, a slice of the per-image work
 * small enough for a shared machine; 8192 and 64 are one full 1024-px image). Per-image times are
 * extrapolated from the slice with the spec's cost model (§9), which is linear in rows for the
 * diffusion and sums conv and attention MACs for the decoder.
 */
public final class CoreBench {
  // Released configuration (spec §6): Cv, C, W, Dd; VAE ch 160, ch_mult (1,1,2,2,4).
  static final DiffusionConfig DIFFUSION = new DiffusionConfig(32, 1536, 1024, 6, "8");
  static final VaeConfig VAE =
      new VaeConfig(4096, 32, 160, new int[] {1, 1, 2, 2, 4}, 0.5, 4, 0, 3, new int[] {1, 2});
  static final long ROWS_PER_IMAGE = 2L * 64 * 64; // G = 2 guided rows per token at B = 1
  static final int LATENT_PER_IMAGE = 64;

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int side = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    try (NDManager model = NDManager.newBaseManager()) {
      double peak = matmulPeakGflops(model);
      System.out.printf(
          "DJL fp32 matmul peak (1024^3, best of 5): %.1f GFLOP/s, %.1f GFLOP per CPU-second%n",
          peak, 2.0 * 1024 * 1024 * 1024 / 1e9 / lastCpuSeconds);

      SimpleMlpAdaLn net =
          new SimpleMlpAdaLn(DIFFUSION, Parameters.random(model, DataType.FLOAT32, 0.02f));
      DiffusionSampler sampler = DiffusionSampler.of(net);
      double diffSeconds = bestOf(2, () -> sampleOnce(model, sampler, rows));
      double diffGflop = 2.0 * diffusionMacs(rows) / 1e9;
      System.out.printf(
          "diffusion sampler: %d rows x 8 steps in %.2f s = %.1f GFLOP/s (reference cost),"
              + " %.1f GFLOP per CPU-second; per 1024px image (%d rows) %.1f s%n",
          rows,
          diffSeconds,
          diffGflop / diffSeconds,
          diffGflop / lastCpuSeconds,
          ROWS_PER_IMAGE,
          diffSeconds * ROWS_PER_IMAGE / rows);

      HartVae vae = HartVae.random(VAE, model, DataType.FLOAT32);
      double vaeSeconds = bestOf(2, () -> decodeOnce(model, vae, side));
      double vaeGflop = 2.0 * decoderMacs(VAE, side) / 1e9;
      double perImage = vaeSeconds * decoderMacs(VAE, LATENT_PER_IMAGE) / decoderMacs(VAE, side);
      System.out.printf(
          "VAE decoder: latent %dx%d -> %dpx in %.2f s = %.1f GFLOP/s, %.1f GFLOP per"
              + " CPU-second; per 1024px image (%.3f TMAC) %.1f s by the cost model%n",
          side,
          side,
          side * VAE.downsampling(),
          vaeSeconds,
          vaeGflop / vaeSeconds,
          vaeGflop / lastCpuSeconds,
          decoderMacs(VAE, LATENT_PER_IMAGE) / 1e12,
          perImage);
      // Measured again because the machine is shared: the two peaks bracket the load.
      double peakAfter = matmulPeakGflops(model);
      System.out.printf(
          "DJL fp32 matmul peak, measured again: %.1f GFLOP/s, %.1f GFLOP per CPU-second%n",
          peakAfter, 2.0 * 1024 * 1024 * 1024 / 1e9 / lastCpuSeconds);
    }
  }

  /** The best CPU time of the last {@link #matmulPeakGflops} run, as GFLOP per CPU-second. */
  static double matmulPeakPerCpuSecond() {
    return 2.0 * 1024 * 1024 * 1024 / 1e9 / lastCpuSeconds;
  }

  /**
   * Best of 5 timings of 4 products of two 1024x1024 matrices, per product, in GFLOP per wall
   * second (and per CPU-second in {@link #matmulPeakPerCpuSecond}): 4 products per timing, since
   * the process CPU clock ticks every 10 ms.
   */
  static double matmulPeakGflops(NDManager manager) {
    int products = 4;
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(1024, 1024));
      NDArray b = m.randomNormal(new Shape(1024, 1024));
      double best = Double.MAX_VALUE;
      double bestCpu = Double.MAX_VALUE;
      for (int i = 0; i < 6; i++) {
        long t0 = System.nanoTime();
        long c0 = processCpuNanos();
        for (int p = 0; p < products; p++) {
          try (NDArray c = a.matMul(b)) {
            c.getFloat(0, 0); // force completion
          }
        }
        if (i > 0) {
          best = Math.min(best, (System.nanoTime() - t0) / 1e9 / products);
          bestCpu = Math.min(bestCpu, (processCpuNanos() - c0) / 1e9 / products);
        }
      }
      lastCpuSeconds = bestCpu;
      return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
    }
  }

  private static void sampleOnce(NDManager model, DiffusionSampler sampler, int rows) {
    try (BatchScope batch = BatchScope.open(model)) {
      NDArray z = batch.manager().randomNormal(new Shape(rows, DIFFUSION.conditionChannels()));
      sampler.sample(z, 4.5, new SeededNoise(new long[] {1}, rows / 2)).getFloat(0, 0);
    }
  }

  private static void decodeOnce(NDManager model, HartVae vae, int side) {
    try (BatchScope batch = BatchScope.open(model);
        MultiScaleLatent latent = new MultiScaleLatent(vae, new int[] {side}, 1, batch.manager())) {
      latent.addLastStage(batch.manager().randomNormal(new Shape(1, (long) side * side, 32)));
      latent.decode().getFloat(0, 0, 0, 0);
    }
  }

  /** Best wall-clock seconds of {@code runs} after a warm-up; also prints process CPU seconds. */
  private static double bestOf(int runs, Runnable work) {
    work.run(); // warm-up
    double best = Double.MAX_VALUE;
    double bestCpu = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      long c0 = processCpuNanos();
      work.run();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      bestCpu = Math.min(bestCpu, (processCpuNanos() - c0) / 1e9);
    }
    lastCpuSeconds = bestCpu;
    return best;
  }

  private static double lastCpuSeconds;

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Spec §9.1: {@code 8 · R · M_d}, as the reference evaluates it (no caching). */
  static double diffusionMacs(long rows) {
    long cv = DIFFUSION.tokenChannels();
    long c = DIFFUSION.conditionChannels();
    long w = DIFFUSION.width();
    long md =
        cv * w + 256 * w + w * w + c * w + DIFFUSION.depth() * 5 * w * w + 2 * w * w + 2 * cv * w;
    return 8.0 * rows * md;
  }

  /** Spec §9.1: every conv {@code H·W·Cin·Cout·k²} plus the decoder's attention blocks. */
  static double decoderMacs(VaeConfig config, int side) {
    double macs = conv(side, config.zChannels(), config.zChannels(), config.quantConvKernel());
    int last = config.levels() - 1;
    int c = config.channels(last);
    macs += conv(side, config.zChannels(), c, 3);
    macs += 2 * resBlock(side, c, c) + attention(side, c);
    int s = side;
    for (int level = last; level >= 0; level--) {
      int out = config.channels(level);
      for (int j = 0; j <= VaeConfig.NUM_RES_BLOCKS; j++) {
        macs += resBlock(s, c, out);
        c = out;
        if (level == last) {
          macs += attention(s, c);
        }
      }
      if (level != 0) {
        s *= 2;
        macs += conv(s, c, c, 3);
      }
    }
    return macs + conv(s, c, 3, 3);
  }

  private static double conv(int side, int in, int out, int k) {
    return (double) side * side * in * out * k * k;
  }

  private static double resBlock(int side, int in, int out) {
    return conv(side, in, out, 3)
        + conv(side, out, out, 3)
        + (in != out ? conv(side, in, out, 1) : 0);
  }

  private static double attention(int side, int c) {
    double n = (double) side * side;
    return n * c * 3 * c + 2 * n * n * c + n * c * c;
  }
}
