package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

/** SwiGLU feed-forward: {@code down(silu(gate(x)) · up(x))}, no biases. */
public record Qwen2Mlp(NDArray gateProj, NDArray upProj, NDArray downProj) {

  public NDArray forward(NDArray x_BLD) {
    NDArray gate_BLF = Linear.linear(x_BLD, gateProj).singletonOrThrow();
    NDArray up_BLF = Linear.linear(x_BLD, upProj).singletonOrThrow();
    NDArray hidden_BLF = gate_BLF.mul(Activation.sigmoid(gate_BLF)).mul(up_BLF);
    return Linear.linear(hidden_BLF, downProj).singletonOrThrow();
  }
}
