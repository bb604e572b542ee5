package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;

/**
 * The text condition of one generation in guided layout: rows {@code 0..B-1} conditional, rows
 * {@code B..2B-1} unconditional (zero context, all-zero positions).
 *
 * @param embeddings_GTC {@code context_embed(context_norm(context))}, the stage-0 tokens before the
 *     level embedding and the pool of the head modulation
 * @param positions_GT rotary positions of the context tokens ({@code cumsum(mask) - 1}; zeros for
 *     the unconditional rows)
 * @param head the head modulation derived from {@code embeddings_GTC}
 */
public record GuidedContext(
    NDArray embeddings_GTC, long[][] positions_GT, AdaLnBeforeHead.Modulation head) {

  public int guidedRows() {
    return positions_GT.length;
  }

  public int batch() {
    return positions_GT.length / 2;
  }

  /** The offset of the image-token coordinates: the last context position of each row. */
  public long[] imageOffsets() {
    long[] offsets = new long[positions_GT.length];
    for (int g = 0; g < offsets.length; g++) {
      offsets[g] = positions_GT[g][positions_GT[g].length - 1];
    }
    return offsets;
  }
}
