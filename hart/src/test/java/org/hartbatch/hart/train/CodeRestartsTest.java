package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeRestartsTest {
  private static final float[][] CODEBOOK = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}};
  private static final float[][] INPUTS = {{10, 11}, {20, 21}, {30, 31}};

  /** Rows 0 and 3 are chosen, at two scales of one image. */
  private static final long[][][] USES_0_AND_3 = {{{0}}, {{3, 3, 0, 3}}};

  @Test
  void rowsUnusedOverAWindowMoveOntoDistinctInputsAndUsedRowsStay() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray codebook = m.create(CODEBOOK);
      NDArray inputs = m.create(INPUTS);
      CodeRestarts restarts = new CodeRestarts(5, 2, 9);
      restarts.record(USES_0_AND_3);
      assertEquals(0, restarts.afterStep(1, codebook, inputs).length, "window still open");
      assertEquals(2, restarts.used());
      long[] restarted = restarts.afterStep(2, codebook, inputs);
      assertArrayEquals(new long[] {1, 2, 4}, restarted);
      float[][] rows = rows(codebook);
      assertArrayEquals(CODEBOOK[0], rows[0]);
      assertArrayEquals(CODEBOOK[3], rows[3]);
      Set<List<Float>> targets = new HashSet<>();
      for (long row : restarted) {
        float[] r = rows[(int) row];
        assertTrue(
            List.of(INPUTS).stream().anyMatch(in -> java.util.Arrays.equals(in, r)),
            "row " + row + " = " + java.util.Arrays.toString(r) + " is not an input");
        targets.add(List.of(r[0], r[1]));
      }
      assertEquals(3, targets.size(), "three inputs for three dead rows: all distinct");
      assertEquals(0, restarts.used(), "a new window starts empty");
    }
  }

  @Test
  void moreDeadRowsThanInputsReuseInputs() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray codebook = m.create(CODEBOOK);
      NDArray inputs = m.create(new float[][] {{7, 7}});
      long[] restarted = new CodeRestarts(5, 1, 1).afterStep(1, codebook, inputs);
      assertEquals(5, restarted.length);
      for (float[] row : rows(codebook)) {
        assertArrayEquals(new float[] {7, 7}, row);
      }
    }
  }

  @Test
  void theSameStepAndSeedRestartTheSameWayAndTheOpenWindowSurvivesASave() {
    try (NDManager m = NDManager.newBaseManager()) {
      CodeRestarts first = new CodeRestarts(5, 4, 3);
      first.record(USES_0_AND_3);
      CodeRestarts copy = new CodeRestarts(5, 4, 3);
      copy.restore(first.state(m));
      assertEquals(2, copy.used());
      NDArray a = m.create(CODEBOOK);
      NDArray b = m.create(CODEBOOK);
      NDArray inputs = m.create(INPUTS);
      first.afterStep(8, a, inputs);
      copy.afterStep(8, b, inputs);
      assertArrayEquals(a.toFloatArray(), b.toFloatArray());
    }
  }

  @Test
  void badWindowsAndStatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CodeRestarts(5, 0, 1));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray wrongSize = m.create(new float[3]);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new CodeRestarts(5, 2, 1).restore(wrongSize));
      assertTrue(e.getMessage().contains("3 rows"), e.getMessage());
    }
  }

  private static float[][] rows(NDArray codebook) {
    float[] flat = codebook.toFloatArray();
    float[][] rows = new float[5][2];
    for (int i = 0; i < 5; i++) {
      rows[i][0] = flat[2 * i];
      rows[i][1] = flat[2 * i + 1];
    }
    return rows;
  }
}
