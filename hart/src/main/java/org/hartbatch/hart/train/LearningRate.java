package org.hartbatch.hart.train;

/**
 * Linear warm-up to {@code peak} over {@code warmupSteps}, then a cosine decay to {@code floor ·
 * peak} at the end of the run. Progress through the run is a fraction in [0, 1] (steps done over
 * steps planned, or time spent over the time budget, whichever is further).
 */
public record LearningRate(float peak, int warmupSteps, float floor) {
  public LearningRate {
    if (!(peak > 0)) {
      throw new IllegalArgumentException("peak learning rate must be positive, got " + peak);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warm-up steps must not be negative, got " + warmupSteps);
    }
    if (floor < 0 || floor > 1) {
      throw new IllegalArgumentException("floor must be in [0, 1], got " + floor);
    }
  }

  /** The rate of step {@code step} (1-based) at run progress {@code progress}. */
  public float at(int step, double progress) {
    double warm = warmupSteps == 0 ? 1 : Math.min(1, (double) step / warmupSteps);
    double p = Math.min(1, Math.max(0, progress));
    double cosine = floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p));
    return (float) (peak * warm * cosine);
  }
}
