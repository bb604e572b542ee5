package org.hartbatch.hart.train;

/** Where a training run stands after a step, as reported to a progress listener. */
public interface StepProgress {

  /** The step just done, counted from 1 across resumes. */
  int step();

  /** The step the run ends at. */
  int steps();

  /** Seconds spent in this call so far. */
  double seconds();

  /** The step's losses and learning rate, formatted for one log line. */
  String line();

  /** Whether a listener that reports every {@code every} steps reports this one (and the last). */
  default boolean due(int every) {
    return step() % every == 0 || step() == steps();
  }
}
