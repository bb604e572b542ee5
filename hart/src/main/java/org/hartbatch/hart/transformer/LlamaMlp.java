package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/** SwiGLU: {@code down(silu(gate(x)) * up(x))}, gate and up fused into one matmul. */
public final class LlamaMlp {
  private final Linear gateUp;
  private final Linear down;
  private final long hidden;

  LlamaMlp(HartTransformerConfig config, Parameters p) {
    int c = config.embedDim();
    hidden = config.ffnHidden();
    NDArray gate = p.get("gate_proj.weight", hidden, c);
    NDArray up = p.get("up_proj.weight", hidden, c);
    gateUp = new Linear(NDArrays.concat(new NDList(gate, up)), null);
    gate.close();
    up.close();
    down = Linear.bindWithoutBias(p, "down_proj", c, hidden);
  }

  NDArray forward(NDArray x) {
    NDArray gu = gateUp.apply(x);
    NDArray gate = gu.get(new NDIndex("..., :{}", hidden));
    NDArray up = gu.get(new NDIndex("..., {}:", hidden));
    return down.apply(Ops.silu(gate).mul(up));
  }
}
