package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;

/** SwiGLU: {@code down(silu(gate(x)) * up(x))}, gate and up fused into one matmul. */
public final class LlamaMlp {
  private final Linear gateUp;
  private final Linear down;
  private final long hidden;

  private LlamaMlp(Linear gateUp, Linear down, long hidden) {
    this.gateUp = gateUp;
    this.down = down;
    this.hidden = hidden;
  }

  static LlamaMlp load(
      HartTransformerConfig config, WeightReader reader, String prefix, NDManager manager)
      throws IOException {
    int c = config.embedDim();
    int f = config.ffnHidden();
    NDArray gate = reader.read(prefix + "gate_proj.weight", manager, f, c);
    NDArray up = reader.read(prefix + "up_proj.weight", manager, f, c);
    NDArray fused = NDArrays.concat(new NDList(gate, up));
    gate.close();
    up.close();
    return new LlamaMlp(
        new Linear(fused, null),
        new Linear(reader.read(prefix + "down_proj.weight", manager, c, f), null),
        f);
  }

  NDArray forward(NDArray x) {
    NDArray gu = gateUp.apply(x);
    NDArray gate = gu.get(new NDIndex("..., :{}", hidden));
    NDArray up = gu.get(new NDIndex("..., {}:", hidden));
    return down.apply(Silu.apply(gate).mul(up));
  }
}
