package org.hartbatch.hart.vae;

/**
 * Which φ conv a scale uses: the tick nearest to {@code s/(S−1)}, with ticks from numpy's {@code
 * linspace} evaluated in doubles the way numpy does ({@code start + i·step}, last tick = stop). The
 * first index wins a tie; in doubles an exact-arithmetic tie usually is not one, and the
 * reference's choice depends on that rounding.
 */
public final class PhiSelection {
  private PhiSelection() {}

  /** Ticks of a bank of {@code k} φ convs. */
  public static double[] ticks(int k) {
    double margin = k == 4 ? 1.0 / 3 / k : 1.0 / 2 / k;
    return linspace(margin, 1 - margin, k);
  }

  static double[] linspace(double start, double stop, int num) {
    double[] y = new double[num];
    if (num == 1) {
      y[0] = start;
      return y;
    }
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++) {
      y[i] = i * step + start;
    }
    y[num - 1] = stop;
    return y;
  }

  /** The φ index for stage {@code stage} of {@code scales} transformer scales. */
  public static int index(int k, int stage, int scales) {
    double ratio = (double) stage / (scales - 1);
    double[] ticks = ticks(k);
    int best = 0;
    for (int i = 1; i < ticks.length; i++) {
      if (Math.abs(ticks[i] - ratio) < Math.abs(ticks[best] - ratio)) {
        best = i;
      }
    }
    return best;
  }
}
