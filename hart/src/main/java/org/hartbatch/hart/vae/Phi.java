package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/** {@code φ(u) = (1 − ρ)·u + ρ·conv3x3(u)}, the residual conv applied to each upsampled scale. */
public final class Phi {
  private final float ratio;
  private final NDArray weight;
  private final NDArray bias;

  Phi(Parameters p, int channels, double quantResi) {
    this.ratio = (float) Math.abs(quantResi);
    this.weight = p.get("weight", channels, channels, 3, 3);
    this.bias = p.get("bias", channels);
  }

  public NDArray apply(NDArray u_BCHW) {
    try (NDArray kept = Ops.scaled(u_BCHW, 1 - ratio);
        NDArray conv = Ops.conv2d(u_BCHW, weight, bias);
        NDArray mixed = Ops.scaled(conv, ratio)) {
      return kept.add(mixed);
    }
  }
}
