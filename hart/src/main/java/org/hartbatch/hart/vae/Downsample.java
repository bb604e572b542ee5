package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * ×½: zero padding of one row at the bottom and one column at the right, then a stride-2 3×3 conv.
 */
final class Downsample {
  private final NDArray weight;
  private final NDArray bias;

  Downsample(Parameters p, int channels) {
    weight = p.get("conv.weight", channels, channels, 3, 3);
    bias = p.get("conv.bias", channels);
  }

  NDArray forward(NDArray x_BCHW) {
    try (NDArray padded = x_BCHW.pad(new Shape(0, 1, 0, 1), 0f)) {
      return Ops.conv2dStride2(padded, weight, bias);
    }
  }
}
