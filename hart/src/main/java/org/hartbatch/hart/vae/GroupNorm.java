package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * GroupNorm with 32 groups of consecutive channels, biased variance, eps 1e-6 and a per-channel
 * affine. Statistics come from the engine's batch-norm kernel run over {@code [1, B·G, rest]}, in
 * float32 also for float16 input (as under the reference's autocast).
 */
final class GroupNorm {
  static final int GROUPS = 32;
  static final float EPS = 1e-6f;

  private final NDArray weight_C;
  private final NDArray bias_C;

  GroupNorm(Parameters p, int channels) {
    weight_C = p.get("weight", channels);
    bias_C = p.get("bias", channels);
  }

  NDArray forward(NDArray x_BCHW) {
    long channels = x_BCHW.getShape().get(1);
    // shaped per call, not once at binding, so that trained weights get their gradients
    try (NDArray normed = Ops.inFloat32(x_BCHW, GroupNorm::normalize);
        NDArray weight_1C11 = weight_C.reshape(1, channels, 1, 1);
        NDArray bias_1C11 = bias_C.reshape(1, channels, 1, 1);
        NDArray scaled = normed.mul(weight_1C11)) {
      return scaled.add(bias_1C11);
    }
  }

  /** Zero mean, unit variance per group of {@code C/32} channels of each image. */
  private static NDArray normalize(NDArray x_BCHW) {
    Shape shape = x_BCHW.getShape();
    long groups = shape.get(0) * GROUPS;
    var manager = x_BCHW.getManager();
    try (NDArray grouped = x_BCHW.reshape(1, groups, -1);
        NDArray mean = manager.zeros(new Shape(groups), x_BCHW.getDataType());
        NDArray var = manager.ones(new Shape(groups), x_BCHW.getDataType());
        NDArray gamma = manager.ones(new Shape(groups), x_BCHW.getDataType());
        NDArray beta = manager.zeros(new Shape(groups), x_BCHW.getDataType());
        NDArray normed =
            grouped
                .getNDArrayInternal()
                .batchNorm(grouped, mean, var, gamma, beta, 1, 0.1f, EPS, true)
                .singletonOrThrow(); ) {
      return normed.reshape(shape);
    }
  }
}
