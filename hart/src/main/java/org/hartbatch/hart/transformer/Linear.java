package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x W^T + b} with the state dict's {@code [out, in]} weight; {@code bias} may be null.
 */
public record Linear(NDArray weight, NDArray bias) {

  public NDArray apply(NDArray x) {
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }

  public long outFeatures() {
    return weight.getShape().get(0);
  }
}
