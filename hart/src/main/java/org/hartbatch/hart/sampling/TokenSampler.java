package org.hartbatch.hart.sampling;

import ai.djl.ndarray.NDArray;

/** Chooses one request's tokens at one stage from its guided logits. */
public interface TokenSampler {

  /**
   * @param guided_nV {@code (1+t) cond - t uncond} logits of the request's {@code n} tokens
   * @param codebook_VCv the VQ codebook
   */
  SampledTokens sample(
      NDArray guided_nV,
      NDArray codebook_VCv,
      StageSchedule stage,
      SamplingParams params,
      SeedStreams streams);

  /** Argmax tokens and hard embeddings, ignoring every random parameter (the fixtures' mode). */
  TokenSampler GREEDY =
      (guided, codebook, stage, params, streams) -> {
        NDArray indices = guided.argMax(-1);
        return new SampledTokens(indices, codebook.get(indices));
      };
}
