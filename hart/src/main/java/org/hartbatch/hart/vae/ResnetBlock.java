package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/** {@code shortcut(x) + conv2(silu(norm2(conv1(silu(norm1(x))))))}, 1×1 shortcut iff cin ≠ cout. */
final class ResnetBlock {
  private final GroupNorm norm1;
  private final NDArray conv1Weight;
  private final NDArray conv1Bias;
  private final GroupNorm norm2;
  private final NDArray conv2Weight;
  private final NDArray conv2Bias;
  private final NDArray shortcutWeight;
  private final NDArray shortcutBias;

  ResnetBlock(Parameters p, int in, int out) {
    norm1 = new GroupNorm(p.scope("norm1"), in);
    conv1Weight = p.get("conv1.weight", out, in, 3, 3);
    conv1Bias = p.get("conv1.bias", out);
    norm2 = new GroupNorm(p.scope("norm2"), out);
    conv2Weight = p.get("conv2.weight", out, out, 3, 3);
    conv2Bias = p.get("conv2.bias", out);
    if (in != out) {
      shortcutWeight = p.get("nin_shortcut.weight", out, in, 1, 1);
      shortcutBias = p.get("nin_shortcut.bias", out);
    } else {
      shortcutWeight = null;
      shortcutBias = null;
    }
  }

  NDArray forward(NDArray x) {
    NDArray h;
    try (NDArray n1 = norm1.forward(x);
        NDArray a1 = Ops.silu(n1)) {
      h = Ops.conv2d(a1, conv1Weight, conv1Bias);
    }
    try (NDArray h1 = h;
        NDArray n2 = norm2.forward(h1);
        NDArray a2 = Ops.silu(n2)) {
      h = Ops.conv2d(a2, conv2Weight, conv2Bias);
    }
    try (NDArray h2 = h) {
      if (shortcutWeight == null) {
        return x.add(h2);
      }
      try (NDArray shortcut = Ops.conv2d(x, shortcutWeight, shortcutBias)) {
        return shortcut.add(h2);
      }
    }
  }
}
