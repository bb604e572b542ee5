package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

final class Silu {
  private Silu() {}

  static NDArray apply(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }
}
