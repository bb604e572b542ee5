package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.runtime.Ops;

/**
 * Rotary position embedding in the rotate-half layout: dimension {@code m} is paired with {@code m
 * + headDim/2}, with frequency {@code theta^(-2m/headDim)} for both.
 */
public record RotaryEmbedding(int headDim, double theta) {

  /** The cosine and sine tables for a run of positions, each {@code [L, headDim]}. */
  public record Table(NDArray cos_LE, NDArray sin_LE) {}

  /** Tables for the consecutive positions {@code first, first+1, ..., first+length-1}. */
  public Table table(NDManager manager, int first, int length) {
    int half = headDim / 2;
    float[] inverseFrequency = new float[half];
    for (int m = 0; m < half; m++) {
      // Float32 steps as in the Hugging Face implementation, so angles round the same way.
      float exponent = (float) (2 * m) / (float) headDim;
      inverseFrequency[m] = 1.0f / (float) Math.pow(theta, exponent);
    }
    float[] cos = new float[length * headDim];
    float[] sin = new float[length * headDim];
    for (int l = 0; l < length; l++) {
      for (int m = 0; m < half; m++) {
        float angle = (float) (first + l) * inverseFrequency[m];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[l * headDim + m] = c;
        cos[l * headDim + m + half] = c;
        sin[l * headDim + m] = s;
        sin[l * headDim + m + half] = s;
      }
    }
    Shape shape = new Shape(length, headDim);
    return new Table(Ops.owned(manager.create(cos, shape)), Ops.owned(manager.create(sin, shape)));
  }

  /** Rotates {@code x_BHLE} (positions on axis 2) by the table's angles. */
  public static NDArray apply(NDArray x_BHLE, Table table) {
    NDList halves = x_BHLE.split(2, x_BHLE.getShape().dimension() - 1);
    NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), -1);
    return x_BHLE.mul(table.cos_LE()).add(rotated.mul(table.sin_LE()));
  }
}
