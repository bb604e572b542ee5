package org.hartbatch.hart.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class RmsNormTest {

  /**
   * Activations of a few hundred overflow float16 when squared (max 65504): the norm runs in
   * float32 like the reference's, so a float16 row of 1000s normalises to ones, not to zeros.
   */
  @Test
  void float16InputIsNormalisedInFloat32() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray weight = m.create(new float[] {1f, 2f, 3f, 4f}).toType(DataType.FLOAT16, false);
      RmsNorm norm = new RmsNorm(weight, 1e-6f);
      NDArray x =
          m.create(new float[] {1000f, -1000f, 1000f, -1000f}, new Shape(1, 4))
              .toType(DataType.FLOAT16, false);
      NDArray y = norm.apply(x);
      assertEquals(DataType.FLOAT16, y.getDataType());
      assertArrayEquals(
          new float[] {1f, -2f, 3f, -4f}, y.toType(DataType.FLOAT32, false).toFloatArray(), 1e-3f);
      NDArray x32 = m.create(new float[] {3f, 4f}, new Shape(1, 2));
      NDArray y32 = new RmsNorm(m.ones(new Shape(2)), 0f).apply(x32);
      float rms = (float) Math.sqrt((9 + 16) / 2.0);
      assertArrayEquals(new float[] {3 / rms, 4 / rms}, y32.toFloatArray(), 1e-6f);
    }
  }
}
