package org.hartbatch.hart.pipeline;

import org.hartbatch.hart.sampling.SamplingParams;

/**
 * One image to render. The same request gives the same image whatever batch it is rendered in.
 *
 * @param prompt the text prompt
 * @param seed the seed of every random draw of this request
 * @param sampling guidance scale, top-k/top-p and smoothing
 */
public record GenerationRequest(String prompt, long seed, SamplingParams sampling) {
  public GenerationRequest {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must not be null");
    }
    if (sampling == null) {
      throw new IllegalArgumentException("sampling must not be null");
    }
  }

  /** A request with the reference's defaults (cfg 4.5, top-k schedule, smoothing on). */
  public static GenerationRequest of(String prompt, long seed) {
    return new GenerationRequest(prompt, seed, SamplingParams.REFERENCE_DEFAULTS);
  }
}
