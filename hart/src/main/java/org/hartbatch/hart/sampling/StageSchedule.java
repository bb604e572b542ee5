package org.hartbatch.hart.sampling;

/**
 * The per-stage quantities of the reference's loop. The guidance ratio is {@code s/(S-1)}, except
 * that the last stage reuses the ratio of stage {@code S-2} because the reference never updates it
 * there; the same stale ratio drives logit guidance, diffusion guidance, the Gumbel temperature and
 * the logit multiplier.
 */
public record StageSchedule(int stage, int stages) {

  public StageSchedule {
    if (stages < 2 || stage < 0 || stage >= stages) {
      throw new IllegalArgumentException("stage " + stage + " of " + stages);
    }
  }

  public double ratio() {
    return (double) Math.min(stage, stages - 2) / (stages - 1);
  }

  /** Guidance weight {@code t = cfg * ratio}; logits become {@code (1+t) cond - t uncond}. */
  public double guidance(double cfg) {
    return cfg * ratio();
  }

  public boolean isLast() {
    return stage == stages - 1;
  }

  /** The reference's hard-coded top-k: 600 while the stage index is below 7, then 300. */
  public int referenceTopK() {
    return stage < 7 ? 600 : 300;
  }

  /** Gumbel-softmax temperature {@code max(0.27 (1 - 0.95 ratio), 0.005)}. */
  public double gumbelTemperature() {
    return Math.max(0.27 * (1 - 0.95 * ratio()), 0.005);
  }
}
