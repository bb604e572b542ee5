package org.hartbatch.hart.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * Sees the intermediate tensors of a generation (for the fixtures and for debugging). The arrays
 * are only valid during the call; copy what must be kept.
 */
public interface GenerationObserver {
  GenerationObserver NONE = new GenerationObserver() {};

  /**
   * One stage: the block-0 input {@code [G, n, C]}, the last block output, the raw logits {@code
   * [G, n', V]} (stage 0: last context position only), the guided logits {@code [B, n', V]} before
   * sampling, the chosen indices {@code [B, n']} and the latent {@code [B, Cv, P, P]} after the
   * stage's contribution ({@code nextInput_BCpp} is null at the last stage).
   */
  default void onStage(
      int stage,
      NDArray input_GnC,
      NDArray hidden_GnC,
      NDArray logits_GnV,
      NDArray guided_BnV,
      NDArray indices_Bn,
      NDArray fHat_BCPP,
      NDArray nextInput_BCpp) {}

  /**
   * The last stage's diffusion condition {@code [G·n, C]} and the sampler's output {@code [G·n,
   * Cv]} (already scaled; its conditional half is the residual). Called when the whole batch shares
   * one guidance scale, i.e. one diffusion call.
   */
  default void onResidual(NDArray condition_NC, NDArray sampled_NCv) {}

  /**
   * Wall time of a named phase of the batch, e.g. {@code stage 3} or {@code diffusion}; a phase
   * reported more than once (e.g. {@code sampling}, once per stage) adds up.
   */
  default void onTiming(String phase, long nanos) {}
}
