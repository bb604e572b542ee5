package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.hartbatch.hart.io.Parameters;

/** {@code x / sqrt(mean(x^2) + eps) * w} over the last axis; every HART norm has a weight. */
public record RmsNorm(NDArray weight, float eps) {

  /** Binds {@code name.weight} {@code [width]}. */
  static RmsNorm bind(Parameters p, String name, long width, double eps) {
    return new RmsNorm(p.get(name + ".weight", width), (float) eps);
  }

  /**
   * In float32 whatever the input type, then cast back before the weight, like the reference's
   * {@code LlamaRMSNorm} and fused kernel: in float16 the squares of wide activations would
   * overflow.
   */
  public NDArray apply(NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      NDArray meanSquare = x.square().mean(new int[] {-1}, true);
      return x.div(meanSquare.add(eps).sqrt()).mul(weight);
    }
    NDArray wide = x.toType(DataType.FLOAT32, false);
    NDArray meanSquare = wide.square().mean(new int[] {-1}, true);
    return wide.div(meanSquare.add(eps).sqrt()).toType(x.getDataType(), false).mul(weight);
  }
}
