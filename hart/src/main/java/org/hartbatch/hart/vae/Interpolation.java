package org.hartbatch.hart.vae;

/**
 * PyTorch's {@code bicubic} (align_corners=False) and {@code area} resizing as separable {@code
 * [out, in]} weight matrices, so that a square map resizes as {@code M · X · Mᵀ} per channel. Built
 * in double and rounded once to float.
 */
public final class Interpolation {
  /** PyTorch's cubic convolution coefficient. */
  static final double A = -0.75;

  private Interpolation() {}

  /**
   * Bicubic weights: source coordinate {@code (o + 0.5)·in/out − 0.5} (not clamped), four taps
   * whose indices are clamped to {@code [0, in−1]}.
   */
  public static float[][] bicubic(int in, int out) {
    double[][] m = new double[out][in];
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double x = scale * (o + 0.5) - 0.5;
      int x0 = (int) Math.floor(x);
      double t = x - x0;
      double[] w = {
        cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t),
      };
      for (int k = 0; k < 4; k++) {
        int idx = Math.min(Math.max(x0 - 1 + k, 0), in - 1);
        m[o][idx] += w[k];
      }
    }
    return toFloat(m);
  }

  /** Area (adaptive average pooling) weights: window {@code [⌊o·in/out⌋, ⌈(o+1)·in/out⌉)}. */
  public static float[][] area(int in, int out) {
    double[][] m = new double[out][in];
    for (int o = 0; o < out; o++) {
      int start = Math.floorDiv(o * in, out);
      int end = -Math.floorDiv(-(o + 1) * in, out);
      for (int i = start; i < end; i++) {
        m[o][i] = 1.0 / (end - start);
      }
    }
    return toFloat(m);
  }

  private static double cubicNear(double x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  private static double cubicFar(double x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }

  private static float[][] toFloat(double[][] m) {
    float[][] f = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      f[i] = new float[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        f[i][j] = (float) m[i][j];
      }
    }
    return f;
  }
}
