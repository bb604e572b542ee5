package org.hartbatch.hart.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InterpolationTest {

  @Test
  void aSinglePixelUpsamplesToAConstant() {
    for (float[] row : Interpolation.bicubic(1, 64)) {
      assertArrayEquals(new float[] {1f}, row, 1e-7f);
    }
  }

  @Test
  void bicubicRowsSumToOneAndUseClampedTaps() {
    float[][] m = Interpolation.bicubic(2, 6);
    for (float[] row : m) {
      assertEquals(1.0, row[0] + row[1], 1e-6);
    }
    // Output 0 samples source x = -0.333: taps -2..1 clamp to 0,0,0,1.
    double t = 2.0 / 3; // x - floor(x)
    double a = -0.75;
    double far = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
    double near = ((a + 2) * t - (a + 3)) * t * t + 1;
    double near2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
    assertEquals(far + near + near2, m[0][0], 1e-6);
  }

  @Test
  void areaWindowsOverlapWhenSizesDoNotDivide() {
    // 6 -> 4: windows [0,2) [1,3) [3,5) [4,6)
    float[][] m = Interpolation.area(6, 4);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0, 0, 0, 0}, m[0]);
    assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 0, 0}, m[1]);
    assertArrayEquals(new float[] {0, 0, 0, 0.5f, 0.5f, 0}, m[2]);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0.5f, 0.5f}, m[3]);
    float[][] identity = Interpolation.area(5, 5);
    assertArrayEquals(new float[] {0, 0, 1, 0, 0}, identity[2]);
  }
}
