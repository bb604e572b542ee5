package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Standard normal noise for the diffusion sampler. The sampler asks in a fixed order: the initial
 * state ({@code [M, Cv]} when guided, {@code [N, Cv]} otherwise), then one {@code [N, Cv]} draw per
 * step, including the last step whose draw is not added.
 */
public interface NoiseSource {
  /**
   * A float32 tensor of independent N(0, 1) values of the given shape, created in {@code manager}.
   */
  NDArray gaussian(NDManager manager, Shape shape);
}
