package org.hartbatch.hart.shapes;

/**
 * An 8-bit RGB image, rows top to bottom, channels interleaved ({@code rgb[(y * width + x) * 3 +
 * c]}).
 */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size " + width + "x" + height + " is not positive");
    }
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "rgb has "
              + rgb.length
              + " bytes, but a "
              + width
              + "x"
              + height
              + " image needs "
              + width * height * 3);
    }
  }

  /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0-255. */
  public int channel(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }

  /** The nearest named colour of pixel (x, y). */
  public ShapeColour nearestColour(int x, int y) {
    return ShapeColour.nearest(channel(x, y, 0), channel(x, y, 1), channel(x, y, 2));
  }

  /**
   * Channel-first values in [-1, 1], the VAE's input range: {@code [3][height][width]} flattened.
   */
  public float[] toUnitRangeCHW() {
    float[] chw = new float[rgb.length];
    int plane = width * height;
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        chw[c * plane + p] = (rgb[p * 3 + c] & 0xff) / 127.5f - 1f;
      }
    }
    return chw;
  }
}
