package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * Output layer of the diffusion MLP: {@code linear(LN_noaffine(x) ⊙ (1 + scale) + shift)} with
 * {@code (shift, scale)} from {@code adaLN_modulation.1(SiLU(y))}.
 */
final class FinalLayer {
  private final NDArray ones;
  private final NDArray zeros;
  private final NDArray adaWeight;
  private final NDArray adaBias;
  private final NDArray weight;
  private final NDArray bias;

  FinalLayer(Parameters p, int width, int outChannels) {
    adaWeight = p.get("adaLN_modulation.1.weight", 2L * width, width);
    adaBias = p.get("adaLN_modulation.1.bias", 2L * width);
    weight = p.get("linear.weight", outChannels, width);
    bias = p.get("linear.bias", outChannels);
    NDManager manager = p.manager();
    // float32: the LayerNorm runs in float32 (Ops.inFloat32) whatever the weights' type.
    ones = manager.ones(new Shape(width), DataType.FLOAT32);
    zeros = manager.zeros(new Shape(width), DataType.FLOAT32);
  }

  NDArray forward(NDArray x_NW, NDArray siluY_NW) {
    try (NDArray modulation = Ops.linear(siluY_NW, adaWeight, adaBias);
        NDList chunks = modulation.split(2, 1);
        NDArray normed =
            Ops.inFloat32(x_NW, x -> Ops.layerNorm(x, ones, zeros, AdaLnResBlock.EPS));
        NDArray modulated = AdaLnResBlock.modulate(normed, chunks.get(0), chunks.get(1))) {
      return Ops.linear(modulated, weight, bias);
    }
  }
}
