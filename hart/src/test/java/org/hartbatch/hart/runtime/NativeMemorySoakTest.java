package org.hartbatch.hart.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.SeededNoise;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.Parameters;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Thousands of diffusion-network forwards, one {@link BatchScope} per batch: once warmed up, the
 * process's resident memory must stop growing. Without the scope every batch would leave about 500
 * arrays behind (hundreds of MB over the run).
 *
 * <p>The batches run in a child JVM whose Java heap is fixed and pre-touched, so that the resident
 * set size read from {@code /proc/self/status} moves only with native (engine) memory, not with the
 * garbage collector's heap sizing.
 */
class NativeMemorySoakTest {
  private static final int WARM_UP_BATCHES = 100;
  private static final int BATCHES = 400; // 8 network forwards each: 3,200 forwards
  private static final long ALLOWED_GROWTH_KB = 32 * 1024;
  private static final Pattern RESULT =
      Pattern.compile(
          "RSS_KB start=(\\d+) end=(\\d+) model_arrays_start=(\\d+) model_arrays_end=(\\d+)");

  @Test
  void residentMemoryStopsGrowingWhenEachBatchHasItsScope() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux /proc");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xms256m",
                "-Xmx256m",
                "-XX:+AlwaysPreTouch",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                Soak.class.getName(),
                String.valueOf(WARM_UP_BATCHES),
                String.valueOf(BATCHES))
            .redirectErrorStream(true);
    // Large blocks go straight back to the system when freed, so RSS follows live memory.
    builder.environment().put("MALLOC_MMAP_THRESHOLD_", "131072");
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(10, TimeUnit.MINUTES), "soak did not finish");
    assertEquals(0, child.exitValue(), output);
    Matcher m = RESULT.matcher(output);
    assertTrue(m.find(), output);
    long start = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    System.out.printf(
        "native memory soak: RSS after %d warm-up batches %d MB, after %d more batches (%d"
            + " forwards) %d MB (growth %d kB)%n",
        WARM_UP_BATCHES, start / 1024, BATCHES, BATCHES * 8, end / 1024, end - start);
    assertEquals(m.group(3), m.group(4), "arrays left in the model's manager");
    assertTrue(
        end - start < ALLOWED_GROWTH_KB,
        "RSS grew by " + (end - start) / 1024 + " MB over " + BATCHES + " batches");
  }

  /** The child process: runs the batches and prints the resident set before and after. */
  public static final class Soak {
    public static void main(String[] args) throws IOException {
      int warmUp = Integer.parseInt(args[0]);
      int batches = Integer.parseInt(args[1]);
      try (NDManager model = NDManager.newBaseManager();
          NDManager results = NDManager.newBaseManager()) {
        DiffusionConfig config = new DiffusionConfig(8, 32, 64, 2, "8");
        SimpleMlpAdaLn net =
            new SimpleMlpAdaLn(config, Parameters.random(model, DataType.FLOAT32, 0.1f));
        DiffusionSampler sampler = DiffusionSampler.of(net);
        long start = 0;
        int arraysStart = 0;
        for (int i = 0; i < warmUp + batches; i++) {
          if (i == warmUp) {
            start = residentKb();
            arraysStart = ((BaseNDManager) model).getManagedArrays().size();
          }
          try (BatchScope batch = BatchScope.open(model)) {
            NDArray z = batch.manager().randomNormal(new Shape(32, 32));
            NDArray r = sampler.sample(z, 4.5, new SeededNoise(new long[] {i, i + 1}, 8));
            if (i % 100 == 0) {
              NDArray kept = batch.keep(r, results);
              assertNotNull(kept.toFloatArray());
              kept.close();
            }
          }
        }
        System.out.printf(
            "RSS_KB start=%d end=%d model_arrays_start=%d model_arrays_end=%d%n",
            start, residentKb(), arraysStart, ((BaseNDManager) model).getManagedArrays().size());
      }
    }
  }

  static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
