package org.hartbatch.hart.pipeline;

/**
 * An RGB image with channel values in [0, 1], planar ({@code [3, H, W]}, row-major), as the model
 * produces it.
 */
public record GeneratedImage(int width, int height, float[] rgb_CHW) {

  public GeneratedImage {
    if (rgb_CHW.length != 3 * width * height) {
      throw new IllegalArgumentException(
          "an image of " + width + "x" + height + " needs " + 3 * width * height + " values");
    }
  }

  /**
   * Interleaved 8-bit RGB, rounding to the nearest level (the reference truncates; rounding is the
   * unbiased choice and differs by at most one level).
   */
  public byte[] rgb8() {
    int pixels = width * height;
    byte[] out = new byte[3 * pixels];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < pixels; i++) {
        out[3 * i + c] = (byte) level(rgb_CHW[c * pixels + i]);
      }
    }
    return out;
  }

  /** Packed {@code 0xFFRRGGBB} pixels, row-major. */
  public int[] argb() {
    int pixels = width * height;
    int[] out = new int[pixels];
    for (int i = 0; i < pixels; i++) {
      out[i] =
          0xFF000000
              | level(rgb_CHW[i]) << 16
              | level(rgb_CHW[pixels + i]) << 8
              | level(rgb_CHW[2 * pixels + i]);
    }
    return out;
  }

  private static int level(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
