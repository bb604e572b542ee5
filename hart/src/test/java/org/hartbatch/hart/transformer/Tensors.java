package org.hartbatch.hart.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Elementwise comparison for tests: {@code |got - want| <= atol + rtol |want|}. */
final class Tensors {
  private Tensors() {}

  static void assertClose(String what, NDArray want, NDArray got, double atol, double rtol) {
    assertEquals(want.getShape(), got.getShape(), what + " shape");
    double[] w = want.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] g = got.toType(DataType.FLOAT64, false).toDoubleArray();
    double worst = 0;
    int bad = 0;
    for (int i = 0; i < w.length; i++) {
      double diff = Math.abs(w[i] - g[i]);
      worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
      if (!(diff <= atol + rtol * Math.abs(w[i]))) {
        bad++;
      }
    }
    assertTrue(bad == 0, what + ": " + bad + "/" + w.length + " outside, max abs diff " + worst);
  }

  static long[][] rows(NDArray ids) {
    long[] flat = ids.toType(DataType.INT64, false).toLongArray();
    int rows = (int) ids.getShape().get(0);
    int cols = flat.length / rows;
    long[][] out = new long[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
