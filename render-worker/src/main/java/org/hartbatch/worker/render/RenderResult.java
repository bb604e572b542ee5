package org.hartbatch.worker.render;

import java.util.List;
import org.hartbatch.hart.pipeline.GeneratedImage;
import org.hartbatch.protocol.events.ErrorCode;

/** The outcome of one row: an image, or a failure of that row alone. */
public sealed interface RenderResult {

  /**
   * A rendered image.
   *
   * @param pixels RGB in [0, 1], as the HART pipeline produces them
   * @param truncatedTokens prompt tokens dropped because the prompt was too long
   * @param unknownWords words of the prompt outside the model's vocabulary, as written
   */
  record Image(GeneratedImage pixels, int truncatedTokens, List<String> unknownWords)
      implements RenderResult {
    public Image {
      unknownWords = List.copyOf(unknownWords);
    }
  }

  /** This row cannot be rendered; the other rows are not affected. */
  record Failed(ErrorCode code, String message) implements RenderResult {}
}
