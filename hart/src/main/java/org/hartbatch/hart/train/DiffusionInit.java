package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Starting values of the residual-diffusion MLP as the reference initialises it: Xavier-uniform
 * linear weights, zero biases, unit LayerNorm scales, {@code N(0, 0.02²)} for the timestep MLP, and
 * zeros for every adaLN modulation and for the output layer, so the untrained network predicts
 * {@code ε = 0} and the middle of the variance range, and each res-block starts as the identity.
 * Usable as a {@link org.hartbatch.hart.io.Parameters.Initializer} for the names under {@code
 * diffloss.net.}; draws from the engine's generator.
 */
public final class DiffusionInit {
  private static final float TIME_EMBED_STD = 0.02f;

  private DiffusionInit() {}

  public static NDArray create(String name, Shape shape, NDManager manager, DataType type) {
    if (name.contains("adaLN_modulation.") || name.contains("final_layer.linear.")) {
      return manager.zeros(shape, type);
    }
    if (name.endsWith(".bias")) {
      return manager.zeros(shape, type);
    }
    if (shape.dimension() == 1) {
      return manager.ones(shape, type);
    }
    if (name.contains("time_embed.mlp.")) {
      return manager.randomNormal(0, TIME_EMBED_STD, shape, type);
    }
    float bound = (float) Math.sqrt(6.0 / (shape.get(0) + shape.get(1)));
    return manager.randomUniform(-bound, bound, shape, type);
  }
}
