package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StepProgressTest {

  private static TokenizerTraining.Progress at(int step) {
    return new TokenizerTraining.Progress(
        step, 25, new TokenizerTrainer.Losses(true, 0.125f, 0.5f, 1.5f, 40, 2), 3e-4f, 12.4);
  }

  @Test
  void aListenerReportsEveryNthStepAndTheLast() {
    assertTrue(at(10).due(10));
    assertFalse(at(11).due(10));
    assertTrue(at(25).due(10));
    assertTrue(at(1).due(1));
  }

  @Test
  void theLineNamesTheStepTheLossesAndTheTime() {
    assertEquals(
        "step 10/25 discrete   recon 0.1250 vq 0.5000 |g| 1.50 lr 3.00e-04 codes 40 restarted 2 12s",
        at(10).line());
  }
}
