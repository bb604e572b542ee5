package org.hartbatch.hart.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DiffusionScheduleTest {

  @Test
  void eightStepsKeepTheReferenceTimesteps() {
    DiffusionSchedule s = DiffusionSchedule.cosine("8");
    assertArrayEquals(new long[] {0, 143, 285, 428, 571, 714, 856, 999}, s.timestepMap());
    assertEquals(0.9999587158, s.alphasCumprod()[0], 1e-9);
    assertEquals(20291.16963, s.sqrtRecipAlphasCumprod()[7], 1e-4);
    // t = 0 borrows the clipped posterior variance of t = 1.
    assertEquals(s.posteriorLogVarianceClipped()[1], s.posteriorLogVarianceClipped()[0]);
  }

  @Test
  void sectionsSplitTheBaseSteps() {
    assertEquals(java.util.Set.of(0, 999), DiffusionSchedule.spacedTimesteps(1000, "2"));
    assertEquals(java.util.Set.of(0, 500), DiffusionSchedule.spacedTimesteps(1000, "1,1"));
  }

  @Test
  void malformedSpecsAreRejectedWithTheField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiffusionSchedule.cosine("ddim8"));
    assertTrue(e.getMessage().contains("num_sampling_steps"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DiffusionSchedule.cosine("0"));
    assertThrows(IllegalArgumentException.class, () -> DiffusionSchedule.cosine("1001"));
  }
}
