package org.hartbatch.hart.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhiSelectionTest {

  @Test
  void ticksRoundLikeNumpy() {
    assertArrayEquals(
        new double[] {
          0.08333333333333333, 0.36111111111111105, 0.6388888888888888, 0.9166666666666666
        },
        PhiSelection.ticks(4));
  }

  @Test
  void theHalfwayStageOfFiveScalesPicksIndexTwo() {
    int[] picked = new int[4];
    for (int s = 0; s < 4; s++) {
      picked[s] = PhiSelection.index(4, s, 5);
    }
    assertArrayEquals(new int[] {0, 1, 2, 2}, picked);
  }

  @Test
  void theReleasedFourteenScalesFollowTheSpecTable() {
    int[] expected = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3};
    for (int s = 0; s < expected.length; s++) {
      assertEquals(expected[s], PhiSelection.index(4, s, 14), "stage " + s);
    }
  }
}
