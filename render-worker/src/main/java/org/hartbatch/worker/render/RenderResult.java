package org.hartbatch.worker.render;

import org.hartbatch.protocol.events.ErrorCode;

/** The outcome of one row: an image, or a failure of that row alone. */
public sealed interface RenderResult {

  /**
   * Interleaved 8-bit RGB pixels, row-major.
   *
   * @param truncatedTokens prompt tokens dropped because the prompt was too long
   */
  record Image(int width, int height, byte[] rgb, int truncatedTokens) implements RenderResult {
    public Image {
      if (rgb.length != width * height * 3) {
        throw new IllegalArgumentException(
            "rgb must hold " + width + "x" + height + "x3 bytes, had " + rgb.length);
      }
    }
  }

  /** This row cannot be rendered; the other rows are not affected. */
  record Failed(ErrorCode code, String message) implements RenderResult {}
}
