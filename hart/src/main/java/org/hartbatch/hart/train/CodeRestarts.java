package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Dead-code restarts: counts how often each codebook row is chosen (any scale) and, at the end of
 * every window of {@code window} steps, moves the rows that nobody chose in it onto vectors the
 * quantizer was just asked to encode. A row far from every encoder output never gets a gradient
 * again; moved onto the data it competes for cells at once. The choice of vectors is drawn from a
 * generator seeded by the step, so a resumed run restarts the same rows onto the same vectors.
 */
final class CodeRestarts {
  private final int window;
  private final long seed;
  private final long[] hits;

  CodeRestarts(int vocabSize, int window, long seed) {
    if (window <= 0) {
      throw new IllegalArgumentException("restart window must be positive, got " + window);
    }
    this.window = window;
    this.seed = seed;
    this.hits = new long[vocabSize];
  }

  /** Counts the rows chosen at one step ({@code [scale][image][cell]}). */
  void record(long[][][] indices_SBL) {
    for (long[][] scale : indices_SBL) {
      for (long[] image : scale) {
        for (long row : image) {
          hits[(int) row]++;
        }
      }
    }
  }

  /** Rows chosen at least once since the last window closed. */
  int used() {
    int used = 0;
    for (long h : hits) {
      used += h > 0 ? 1 : 0;
    }
    return used;
  }

  /**
   * After step {@code step} (1-based): if it closes a window, sets every unused row of {@code
   * codebook_VC} to a distinct random row of {@code inputs_NC} (rows drawn with replacement when
   * there are fewer inputs than dead rows) and starts a new window.
   *
   * @return the restarted rows (empty when the window is still open or every row was used)
   */
  long[] afterStep(int step, NDArray codebook_VC, NDArray inputs_NC) {
    if (step % window != 0) {
      return new long[0];
    }
    List<Long> dead = new ArrayList<>();
    for (int row = 0; row < hits.length; row++) {
      if (hits[row] == 0) {
        dead.add((long) row);
      }
    }
    Arrays.fill(hits, 0);
    if (dead.isEmpty()) {
      return new long[0];
    }
    int candidates = Math.toIntExact(inputs_NC.getShape().get(0));
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + step);
    int[] order =
        random.ints(0, candidates).distinct().limit(Math.min(candidates, dead.size())).toArray();
    long[] rows = new long[dead.size()];
    // the indexing helpers the engine creates for set() would otherwise stay in the codebook's
    // manager
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < rows.length; i++) {
        int pick = i < order.length ? order[i] : random.nextInt(candidates);
        rows[i] = dead.get(i);
        codebook_VC.set(new NDIndex(rows[i]), inputs_NC.get(pick));
      }
    }
    return rows;
  }

  /** The counts of the open window, for a checkpoint. */
  NDArray state(NDManager manager) {
    float[] counts = new float[hits.length];
    for (int i = 0; i < hits.length; i++) {
      counts[i] = hits[i];
    }
    return manager.create(counts);
  }

  void restore(NDArray state) {
    float[] saved = state.toFloatArray();
    if (saved.length != hits.length) {
      throw new IllegalArgumentException(
          "restart state has " + saved.length + " rows, the codebook " + hits.length);
    }
    for (int i = 0; i < hits.length; i++) {
      hits[i] = Math.round(saved[i]);
    }
  }
}
