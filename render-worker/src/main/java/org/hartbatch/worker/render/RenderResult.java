package org.hartbatch.worker.render;

import org.hartbatch.hart.pipeline.GeneratedImage;
import org.hartbatch.protocol.events.ErrorCode;

/** The outcome of one row: an image, or a failure of that row alone. */
public sealed interface RenderResult {

  /**
   * A rendered image.
   *
   * @param pixels RGB in [0, 1], as the HART pipeline produces them
   * @param truncatedTokens prompt tokens dropped because the prompt was too long
   */
  record Image(GeneratedImage pixels, int truncatedTokens) implements RenderResult {}

  /** This row cannot be rendered; the other rows are not affected. */
  record Failed(ErrorCode code, String message) implements RenderResult {}
}
