package org.hartbatch.hart.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;
import org.hartbatch.hart.pipeline.BuiltinModel;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.VaeConfig;

/**
 * What batching can gain on this CPU, op by op, in the calling thread's CPU time (with one intra-op
 * thread libtorch runs every op in that thread, so the numbers hold on a loaded machine): the
 * transformer's matrix products at the token counts of batch 1 and of a batch, convolutions of the
 * decoder's shapes batched versus image by image (and whether the results are bitwise the same).
 * Not a test.
 *
 * <p>Args: {@code MODEL BATCH}, e.g. {@code mid 16}; run with {@code
 * -Dai.djl.pytorch.num_threads=1}.
 */
public final class BatchingProbe {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    BuiltinModel model = BuiltinModel.named(args.length > 0 ? args[0] : "mid");
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    HartTransformerConfig t = HartTransformerConfig.from(model.transformerConfig());
    try (NDManager m = NDManager.newBaseManager()) {
      // the best of two measurements, one before the other products and one after
      double peak =
          Math.max(gflopPerCpuSecond(m, 1024, 1024, 1024), gflopPerCpuSecond(m, 1024, 1024, 1024));
      System.out.printf("1024^3 matmul: %.1f GFLOP per thread CPU-second%n", peak);
      gemms(m, t, model.vocab(), batch, peak);
      convolutions(m, VaeConfig.from(model.vaeConfig()), t.latentSide(), batch);
    }
  }

  /** The block and head products of the two largest stages, at G = 2 and G = 2·batch rows. */
  private static void gemms(
      NDManager m, HartTransformerConfig t, long vocab, int batch, double peak) {
    int c = t.embedDim();
    int f = t.ffnHidden();
    long[][] products = {{c, 3L * c}, {c, c}, {c, 2L * f}, {f, c}, {c, vocab}};
    String[] names = {"qkv", "proj", "gate+up", "down", "head"};
    for (int s = t.stages() - 2; s < t.stages(); s++) {
      int n = t.queries(s);
      for (int i = 0; i < products.length; i++) {
        long in = products[i][0];
        long out = products[i][1];
        double alone = gflopPerCpuSecond(m, 2L * n, in, out);
        double batched = gflopPerCpuSecond(m, 2L * batch * n, in, out);
        System.out.printf(
            "stage %d %s [%d x %d]·[%d x %d]: batch 1 %.1f (%.0f%% of peak), batch %d %.1f (%.0f%%)"
                + " GFLOP per CPU-s%n",
            s,
            names[i],
            2 * n,
            in,
            in,
            out,
            alone,
            100 * alone / peak,
            batch,
            batched,
            100 * batched / peak);
      }
    }
  }

  /** Best of 3 timings of a {@code [rows, in]·[in, out]} product, repeated to last ~0.1 s. */
  private static double gflopPerCpuSecond(NDManager m, long rows, long in, long out) {
    try (NDManager scope = m.newSubManager()) {
      NDArray a = scope.randomNormal(new Shape(rows, in));
      NDArray b = scope.randomNormal(new Shape(in, out));
      double flop = 2.0 * rows * in * out;
      int repeats = (int) Math.max(1, Math.min(1000, 2e9 / flop));
      double best = bestCpuSeconds(() -> repeat(repeats, () -> a.matMul(b)));
      return flop * repeats / best / 1e9;
    }
  }

  /** The decoder's 3x3 convolutions at each map size: batched versus image by image. */
  private static void convolutions(NDManager m, VaeConfig vae, int latentSide, int batch) {
    int side = latentSide;
    for (int level = vae.levels() - 1; level >= 0; level--) {
      int channels = vae.channels(level);
      try (NDManager scope = m.newSubManager()) {
        NDArray x = scope.randomNormal(new Shape(batch, channels, side, side));
        NDArray w = scope.randomNormal(new Shape(channels, channels, 3, 3)).mul(0.05f);
        NDArray bias = scope.randomNormal(new Shape(channels));
        double whole = bestCpuSeconds(() -> conv(x, w, bias));
        double byImage = bestCpuSeconds(() -> convImageByImage(x, w, bias));
        boolean same =
            Arrays.equals(
                conv(x, w, bias).toFloatArray(), convImageByImage(x, w, bias).toFloatArray());
        System.out.printf(
            "conv %d->%d at %dx%d, batch %d: batched %.4f s, image by image %.4f s, bitwise same:"
                + " %s%n",
            channels, channels, side, side, batch, whole, byImage, same);
      }
      side *= level > 0 ? 2 : 1;
    }
  }

  private static NDArray conv(NDArray x, NDArray w, NDArray b) {
    return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  private static NDArray convImageByImage(NDArray x, NDArray w, NDArray b) {
    NDList images = new NDList();
    for (long i = 0; i < x.getShape().get(0); i++) {
      images.add(conv(x.get(i).expandDims(0), w, b));
    }
    return NDArrays.concat(images);
  }

  private static NDArray repeat(int times, Supplier<NDArray> op) {
    NDArray last = null;
    for (int i = 0; i < times; i++) {
      if (last != null) {
        last.close();
      }
      last = op.get();
    }
    return last;
  }

  /** Best of 3 runs (after one warm-up) in this thread's CPU seconds. */
  private static double bestCpuSeconds(Supplier<NDArray> work) {
    work.get().close();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = THREADS.getCurrentThreadCpuTime();
      try (NDArray out = work.get()) {
        out.getShape();
      }
      best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - start) / 1e9);
    }
    return best;
  }
}
