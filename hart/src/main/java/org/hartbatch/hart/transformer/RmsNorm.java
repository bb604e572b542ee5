package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;

/** {@code x / sqrt(mean(x^2) + eps) * w} over the last axis; every HART norm has a weight. */
public record RmsNorm(NDArray weight, float eps) {

  /** Binds {@code name.weight} {@code [width]}. */
  static RmsNorm bind(Parameters p, String name, long width, double eps) {
    return new RmsNorm(p.get(name + ".weight", width), (float) eps);
  }

  public NDArray apply(NDArray x) {
    NDArray meanSquare = x.square().mean(new int[] {-1}, true);
    return x.div(meanSquare.add(eps).sqrt()).mul(weight);
  }
}
