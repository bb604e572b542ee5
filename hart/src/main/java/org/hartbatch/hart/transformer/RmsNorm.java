package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;

/** {@code x / sqrt(mean(x^2) + eps) * w} over the last axis; every HART norm has a weight. */
public record RmsNorm(NDArray weight, float eps) {

  public NDArray apply(NDArray x) {
    NDArray meanSquare = x.square().mean(new int[] {-1}, true);
    return x.div(meanSquare.add(eps).sqrt()).mul(weight);
  }
}
