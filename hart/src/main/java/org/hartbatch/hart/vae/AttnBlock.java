package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * Single-head self-attention over all {@code h·w} positions: {@code x + proj_out(v · softmax(qᵀk ·
 * c^-½)ᵀ)} with q, k, v the channel thirds of one 1×1 conv of the normalised input.
 */
final class AttnBlock {
  private final int channels;
  private final GroupNorm norm;
  private final NDArray qkvWeight;
  private final NDArray qkvBias;
  private final NDArray projWeight;
  private final NDArray projBias;

  AttnBlock(Parameters p, int channels) {
    this.channels = channels;
    norm = new GroupNorm(p.scope("norm"), channels);
    qkvWeight = p.get("qkv.weight", 3L * channels, channels, 1, 1);
    qkvBias = p.get("qkv.bias", 3L * channels);
    projWeight = p.get("proj_out.weight", channels, channels, 1, 1);
    projBias = p.get("proj_out.bias", channels);
  }

  NDArray forward(NDArray x_BCHW) {
    Shape shape = x_BCHW.getShape();
    long b = shape.get(0);
    long n = shape.get(2) * shape.get(3);
    NDArray attended;
    try (NDArray normed = norm.forward(x_BCHW);
        NDArray qkv = Ops.conv2d(normed, qkvWeight, qkvBias);
        NDArray flat = qkv.reshape(b, 3, channels, n);
        NDList parts = flat.split(3, 1);
        NDArray q_BNC = parts.get(0).reshape(b, channels, n).transpose(0, 2, 1);
        NDArray k_BCN = parts.get(1).reshape(b, channels, n);
        NDArray v_BCN = parts.get(2).reshape(b, channels, n);
        NDArray scores = q_BNC.matMul(k_BCN);
        NDArray scaled = Ops.scaled(scores, (float) Math.pow(channels, -0.5));
        NDArray weights = Ops.inFloat32(scaled, a -> a.softmax(2));
        NDArray weightsT = weights.transpose(0, 2, 1);
        NDArray o_BCN = v_BCN.matMul(weightsT);
        NDArray o = o_BCN.reshape(shape)) {
      attended = Ops.conv2d(o, projWeight, projBias);
    }
    try (attended) {
      return x_BCHW.add(attended);
    }
  }
}
