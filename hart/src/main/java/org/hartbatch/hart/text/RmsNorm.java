package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;

/** Qwen2's RMSNorm: {@code x / sqrt(mean(x²) + eps) · weight} over the last axis. */
public record RmsNorm(NDArray weight, float eps) {

  public NDArray forward(NDArray x) {
    NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
    return x.div(rms).mul(weight);
  }
}
