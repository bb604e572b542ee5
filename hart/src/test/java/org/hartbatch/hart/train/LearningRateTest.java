package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateTest {
  private final LearningRate schedule = new LearningRate(1e-3f, 10, 0.1f);

  @Test
  void warmsUpLinearlyThenDecaysByCosineToTheFloor() {
    assertEquals(1e-4f, schedule.at(1, 0), 1e-9f);
    assertEquals(5e-4f, schedule.at(5, 0), 1e-9f);
    assertEquals(1e-3f, schedule.at(10, 0), 1e-9f);
    assertEquals(0.55e-3f, schedule.at(50, 0.5), 1e-9f);
    assertEquals(1e-4f, schedule.at(100, 1), 1e-9f);
    assertEquals(1e-4f, schedule.at(120, 1.2), 1e-9f, "past the end it stays at the floor");
  }

  @Test
  void badSettingsNameTheField() {
    assertThrows(IllegalArgumentException.class, () -> new LearningRate(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new LearningRate(1, -1, 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LearningRate(1, 1, 2));
    assertEquals("floor must be in [0, 1], got 2.0", e.getMessage());
  }
}
