package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * Res-block of the diffusion MLP: {@code x + gate ⊙ MLP(LN(x) ⊙ (1 + scale) + shift)} with {@code
 * (shift, scale, gate)} from {@code adaLN_modulation.1(SiLU(y))}, in that order.
 */
final class AdaLnResBlock {
  static final float EPS = 1e-6f;

  private final NDArray lnWeight;
  private final NDArray lnBias;
  private final NDArray w0;
  private final NDArray b0;
  private final NDArray w2;
  private final NDArray b2;
  private final NDArray adaWeight;
  private final NDArray adaBias;

  AdaLnResBlock(Parameters p, int width) {
    // The LayerNorm runs in float32 (Ops.inFloat32), so its parameters are float32 too: with
    // float16 weights the engine refuses a float32 input with float16 parameters.
    lnWeight = p.get("in_ln.weight", width).toType(DataType.FLOAT32, false);
    lnBias = p.get("in_ln.bias", width).toType(DataType.FLOAT32, false);
    w0 = p.get("mlp.0.weight", width, width);
    b0 = p.get("mlp.0.bias", width);
    w2 = p.get("mlp.2.weight", width, width);
    b2 = p.get("mlp.2.bias", width);
    adaWeight = p.get("adaLN_modulation.1.weight", 3L * width, width);
    adaBias = p.get("adaLN_modulation.1.bias", 3L * width);
  }

  /** {@code x_NW} updated by the block under conditioning {@code siluY_NW = SiLU(y)}. */
  NDArray forward(NDArray x_NW, NDArray siluY_NW) {
    try (NDArray modulation = Ops.linear(siluY_NW, adaWeight, adaBias);
        NDList chunks = modulation.split(3, 1);
        NDArray normed = Ops.inFloat32(x_NW, x -> Ops.layerNorm(x, lnWeight, lnBias, EPS));
        NDArray modulated = modulate(normed, chunks.get(0), chunks.get(1));
        NDArray h0 = Ops.linear(modulated, w0, b0);
        NDArray a0 = Ops.silu(h0);
        NDArray h = Ops.linear(a0, w2, b2);
        NDArray gated = chunks.get(2).mul(h)) {
      return x_NW.add(gated);
    }
  }

  /** {@code x ⊙ (1 + scale) + shift}. */
  static NDArray modulate(NDArray x, NDArray shift, NDArray scale) {
    try (NDArray onePlus = scale.add(1f);
        NDArray scaled = x.mul(onePlus)) {
      return scaled.add(shift);
    }
  }
}
