package org.hartbatch.hart.sampling;

/**
 * How one request's tokens are drawn.
 *
 * @param cfg guidance scale {@code gamma} (the reference's default is 4.5)
 * @param topK 0 for the reference's schedule (600 before stage 7, 300 after), otherwise a fixed k
 *     for every stage; a k at least the codebook size does no filtering
 * @param topP nucleus mass in (0, 1]; 0 turns it off (the reference's default)
 * @param moreSmooth the reference's Gumbel-softmax path: soft code embeddings instead of hard ones
 */
public record SamplingParams(double cfg, int topK, double topP, boolean moreSmooth) {
  public static final SamplingParams REFERENCE_DEFAULTS = new SamplingParams(4.5, 0, 0, true);

  public SamplingParams {
    if (!Double.isFinite(cfg) || cfg < 0) {
      throw new IllegalArgumentException("cfg must be a finite number >= 0, got " + cfg);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0 (0 = reference schedule), got " + topK);
    }
    if (!(topP >= 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in [0, 1] (0 = off), got " + topP);
    }
  }
}
