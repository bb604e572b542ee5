package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Per-prompt noise streams, so that a prompt's residual depends on its own seed only, not on which
 * other prompts share its batch.
 *
 * <p>The sampler's rows are {@code [k, B, rowsPerPrompt]} blocks (k = 1 for the initial guided
 * draw, 2 for the guided per-step draws: conditional then unconditional rows). Each block of {@code
 * rowsPerPrompt} rows is filled from the stream of its prompt {@code b}, in row order.
 */
public final class SeededNoise implements NoiseSource {
  private final SplittableRandom[] streams;
  private final long rowsPerPrompt;

  public SeededNoise(long[] seeds, long rowsPerPrompt) {
    if (seeds.length == 0 || rowsPerPrompt < 1) {
      throw new IllegalArgumentException("need at least one seed and one row per prompt");
    }
    this.streams = new SplittableRandom[seeds.length];
    for (int b = 0; b < seeds.length; b++) {
      streams[b] = new SplittableRandom(seeds[b]);
    }
    this.rowsPerPrompt = rowsPerPrompt;
  }

  @Override
  public NDArray gaussian(NDManager manager, Shape shape) {
    long rows = shape.get(0);
    long block = rowsPerPrompt * streams.length;
    if (rows % block != 0) {
      throw new IllegalArgumentException(
          "noise of "
              + shape
              + " does not split into blocks of "
              + streams.length
              + " prompts x "
              + rowsPerPrompt
              + " rows");
    }
    long perRow = shape.size() / rows;
    float[] values = new float[Math.toIntExact(shape.size())];
    int i = 0;
    for (long r = 0; r < rows; r++) {
      SplittableRandom stream = streams[(int) ((r / rowsPerPrompt) % streams.length)];
      for (long c = 0; c < perRow; c++) {
        values[i++] = (float) stream.nextGaussian();
      }
    }
    return manager.create(values, shape);
  }
}
