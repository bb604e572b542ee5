package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/** Nearest-neighbour ×2 ({@code out[y][x] = in[y/2][x/2]}) followed by a 3×3 conv. */
final class Upsample {
  private final NDArray weight;
  private final NDArray bias;

  Upsample(Parameters p, int channels) {
    weight = p.get("conv.weight", channels, channels, 3, 3);
    bias = p.get("conv.bias", channels);
  }

  NDArray forward(NDArray x_BCHW) {
    try (NDArray rows = x_BCHW.repeat(2, 2);
        NDArray both = rows.repeat(3, 2)) {
      return Ops.conv2d(both, weight, bias);
    }
  }
}
