package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Rotate-half rotary tables {@code [G, 1, n, dh]} for one run of tokens: {@code x cos + rot(x) sin}
 * where {@code rot(x) = [-x2, x1]}. The sine table is stored with the sign of {@code rot} folded
 * in, so applying it is {@code x cos + swap(x) sinSigned}.
 *
 * <p>Two angle layouts exist: 1-D for the context tokens (positions {@code cumsum(mask) - 1}) and
 * the reference's 2-D variant for image tokens, whose angle vector is {@code [row, row, col, col]}
 * quarters and is then rotated over the full head width, pairing a row-angle channel with a
 * column-angle channel. That is not a textbook 2-D RoPE; it is reproduced as the reference does it.
 */
public record Rotary(NDArray cos, NDArray sinSigned) {

  public NDArray apply(NDArray x) {
    long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
    NDArray swapped =
        NDArrays.concat(
            new NDList(x.get(new NDIndex("..., {}:", half)), x.get(new NDIndex("..., :{}", half))),
            -1);
    return x.mul(cos).add(swapped.mul(sinSigned));
  }

  /** 1-D tables for context tokens: {@code positions[g][t]} are the guided position ids. */
  public static Rotary context(NDManager manager, long[][] positions, int headDim, DataType type) {
    int rows = positions.length;
    int tokens = positions[0].length;
    int half = headDim / 2;
    float[] invFreq = inverseFrequencies(headDim, 2);
    float[] angles = new float[rows * tokens * headDim];
    for (int g = 0; g < rows; g++) {
      for (int t = 0; t < tokens; t++) {
        float pos = positions[g][t];
        int base = (g * tokens + t) * headDim;
        for (int k = 0; k < half; k++) {
          float a = pos * invFreq[k];
          angles[base + k] = a;
          angles[base + half + k] = a;
        }
      }
    }
    return fromAngles(manager, angles, rows, tokens, headDim, type);
  }

  /**
   * 2-D tables for the {@code p x p} tokens of an image stage. Coordinates are {@code (i/p) *
   * lastPatch + offset[g]} in float32, in that order, with the same offset on both axes.
   */
  public static Rotary image(
      NDManager manager, int patch, int lastPatch, long[] offsets, int headDim, DataType type) {
    int rows = offsets.length;
    int tokens = patch * patch;
    int quarter = headDim / 4;
    float[] invFreq = inverseFrequencies(headDim, 4);
    float[] angles = new float[rows * tokens * headDim];
    for (int g = 0; g < rows; g++) {
      float off = offsets[g];
      for (int i = 0; i < patch; i++) {
        float r = (float) i / patch * lastPatch + off;
        for (int j = 0; j < patch; j++) {
          float c = (float) j / patch * lastPatch + off;
          int base = (g * tokens + i * patch + j) * headDim;
          for (int k = 0; k < quarter; k++) {
            float ra = r * invFreq[k];
            float ca = c * invFreq[k];
            angles[base + k] = ra;
            angles[base + quarter + k] = ra;
            angles[base + 2 * quarter + k] = ca;
            angles[base + 3 * quarter + k] = ca;
          }
        }
      }
    }
    return fromAngles(manager, angles, rows, tokens, headDim, type);
  }

  /** Tables of consecutive runs of tokens joined along the token axis. */
  public static Rotary concat(List<Rotary> parts) {
    NDList cos = new NDList();
    NDList sin = new NDList();
    for (Rotary part : parts) {
      cos.add(part.cos);
      sin.add(part.sinSigned);
    }
    return new Rotary(NDArrays.concat(cos, 2), NDArrays.concat(sin, 2));
  }

  /** {@code 1 / theta^(k*stride/d)} for {@code k < d/stride}, in float32 as the reference. */
  private static float[] inverseFrequencies(int headDim, int stride) {
    float[] inv = new float[headDim / stride];
    for (int k = 0; k < inv.length; k++) {
      float exponent = (float) (k * stride) / headDim;
      inv[k] = 1f / (float) Math.pow(HartTransformerConfig.ROPE_THETA, exponent);
    }
    return inv;
  }

  /** Angles and cos/sin in float32, as the reference, then cast to the compute type. */
  private static Rotary fromAngles(
      NDManager manager, float[] angles, int rows, int tokens, int headDim, DataType type) {
    float[] cos = new float[angles.length];
    float[] sin = new float[angles.length];
    int half = headDim / 2;
    for (int i = 0; i < angles.length; i++) {
      cos[i] = (float) Math.cos(angles[i]);
      float s = (float) Math.sin(angles[i]);
      sin[i] = i % headDim < half ? -s : s;
    }
    Shape shape = new Shape(rows, 1, tokens, headDim);
    return new Rotary(
        manager.create(cos, shape).toType(type, false),
        manager.create(sin, shape).toType(type, false));
  }
}
