package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * Sinusoidal features of an integer timestep ({@code [cos, sin]}, cosine first, 128 frequencies)
 * followed by Linear–SiLU–Linear ({@code mlp.0}, {@code mlp.2}).
 */
public final class TimestepEmbedder {
  public static final int FREQUENCY_FEATURES = 256;

  private final NDArray frequencies_1F;
  private final NDArray w0;
  private final NDArray b0;
  private final NDArray w2;
  private final NDArray b2;

  public TimestepEmbedder(Parameters p, int width) {
    w0 = p.get("mlp.0.weight", width, FREQUENCY_FEATURES);
    b0 = p.get("mlp.0.bias", width);
    w2 = p.get("mlp.2.weight", width, width);
    b2 = p.get("mlp.2.bias", width);
    int half = FREQUENCY_FEATURES / 2;
    float[] freq = new float[half];
    for (int k = 0; k < half; k++) {
      freq[k] = (float) Math.exp(-Math.log(10000) * k / half);
    }
    NDManager manager = p.manager();
    frequencies_1F = manager.create(freq).reshape(1, half);
  }

  /** {@code [N, 256]} features of the timesteps {@code t_N} (any numeric type), in float32. */
  public NDArray features(NDArray t_N) {
    try (NDArray t = t_N.toType(DataType.FLOAT32, false).reshape(-1, 1);
        NDArray arg = t.mul(frequencies_1F);
        NDArray cos = arg.cos();
        NDArray sin = arg.sin()) {
      return cos.concat(sin, 1);
    }
  }

  /** {@code [N, W]} embedding of the timesteps {@code t_N}. */
  public NDArray embed(NDArray t_N) {
    try (NDArray f = features(t_N).toType(w0.getDataType(), false);
        NDArray h = Ops.linear(f, w0, b0);
        NDArray a = Ops.silu(h)) {
      return Ops.linear(a, w2, b2);
    }
  }
}
