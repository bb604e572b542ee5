package org.hartbatch.hart.sampling;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Chooses the tokens of a batch of requests at one stage from their guided logits. */
public interface TokenSampler {

  /**
   * @param guided_BnV {@code (1+t) cond - t uncond} logits of each request's {@code n} tokens
   * @param codebook_VCv the VQ codebook
   * @param rows each request's parameters and random streams, in batch order
   */
  SampledTokens sample(
      NDArray guided_BnV, NDArray codebook_VCv, StageSchedule stage, List<RowSampling> rows);

  /** Argmax tokens and hard embeddings, ignoring every random parameter (the fixtures' mode). */
  TokenSampler GREEDY =
      (guided, codebook, stage, rows) -> {
        NDArray indices = guided.argMax(-1);
        return new SampledTokens(indices, codebook.get(indices));
      };
}
