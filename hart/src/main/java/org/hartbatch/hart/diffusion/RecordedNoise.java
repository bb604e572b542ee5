package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Replays stored draws in order, e.g. the noise a reference run recorded. */
public final class RecordedNoise implements NoiseSource {
  private final Deque<NDArray> draws;

  public RecordedNoise(List<NDArray> draws) {
    this.draws = new ArrayDeque<>(draws);
  }

  @Override
  public NDArray gaussian(NDManager manager, Shape shape) {
    NDArray next = draws.poll();
    if (next == null) {
      throw new IllegalStateException(
          "recorded noise exhausted; a draw of " + shape + " was asked");
    }
    if (!next.getShape().equals(shape)) {
      throw new IllegalStateException(
          "recorded noise has shape " + next.getShape() + " but " + shape + " was asked");
    }
    return next.duplicate();
  }
}
