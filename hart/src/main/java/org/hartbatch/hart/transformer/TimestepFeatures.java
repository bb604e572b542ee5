package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The sinusoidal features of a scalar step: {@code [cos(t f_0..f_{h-1}), sin(t f_0..f_{h-1})]} with
 * {@code f_i = exp(-ln(10000) i / h)}, computed in float32 in the reference's order.
 */
public final class TimestepFeatures {
  private TimestepFeatures() {}

  /** Features {@code [N, dim]} of the steps {@code t} (cosine half first). */
  public static NDArray of(NDManager manager, float[] t, int dim) {
    int half = dim / 2;
    NDArray freqs = manager.arange(0f, half).mul(-Math.log(10000)).div(half).exp();
    NDArray args = manager.create(t).reshape(t.length, 1).mul(freqs.reshape(1, half));
    return NDArrays.concat(new NDList(args.cos(), args.sin()), 1);
  }
}
