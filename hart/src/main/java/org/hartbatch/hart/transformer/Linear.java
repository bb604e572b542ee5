package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;

/**
 * {@code y = x W^T + b} with the state dict's {@code [out, in]} weight; {@code bias} may be null.
 */
public record Linear(NDArray weight, NDArray bias) {

  /** Binds {@code name.weight} {@code [out, in]} and {@code name.bias} {@code [out]}. */
  static Linear bind(Parameters p, String name, long out, long in) {
    return new Linear(p.get(name + ".weight", out, in), p.get(name + ".bias", out));
  }

  /** Binds {@code name.weight} {@code [out, in]} of a linear without bias. */
  static Linear bindWithoutBias(Parameters p, String name, long out, long in) {
    return new Linear(p.get(name + ".weight", out, in), null);
  }

  public NDArray apply(NDArray x) {
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
