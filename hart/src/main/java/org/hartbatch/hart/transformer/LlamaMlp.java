package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * SwiGLU: {@code down(silu(gate(x)) * up(x))}. Gate and up stay two products over the bound
 * weights, so a trainer's updates of those arrays are what the next call computes with.
 */
public final class LlamaMlp {
  private final Linear gate;
  private final Linear up;
  private final Linear down;

  LlamaMlp(HartTransformerConfig config, Parameters p) {
    int c = config.embedDim();
    long hidden = config.ffnHidden();
    gate = Linear.bindWithoutBias(p, "gate_proj", hidden, c);
    up = Linear.bindWithoutBias(p, "up_proj", hidden, c);
    down = Linear.bindWithoutBias(p, "down_proj", c, hidden);
  }

  NDArray forward(NDArray x) {
    return down.apply(Ops.silu(gate.apply(x)).mul(up.apply(x)));
  }
}
