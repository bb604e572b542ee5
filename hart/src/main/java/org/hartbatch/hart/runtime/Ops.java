package org.hartbatch.hart.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The few tensor operations the networks compose, with PyTorch's semantics. */
public final class Ops {
  private Ops() {}

  /** {@code x · wᵀ + b} with {@code w} stored {@code [out, in]}. */
  public static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return Linear.linear(x, w, b).singletonOrThrow();
  }

  /** {@code x · sigmoid(x)}. */
  public static NDArray silu(NDArray x) {
    try (NDArray gate = Activation.sigmoid(x)) {
      return x.mul(gate);
    }
  }

  /** LayerNorm over the last axis with biased variance. */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return LayerNorm.layerNorm(x, new Shape(x.getShape().tail()), gamma, beta, eps)
        .singletonOrThrow();
  }

  /** Stride-1 convolution of an NCHW map with a {@code [out, in, k, k]} kernel, same padding. */
  public static NDArray conv2d(NDArray x, NDArray w, NDArray b) {
    long k = w.getShape().get(2);
    long pad = k / 2;
    return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1)
        .singletonOrThrow();
  }
}
