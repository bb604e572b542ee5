package org.hartbatch.hart.train;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Continues training a checkpoint directory the transformer trainer wrote (fresh optimizer,
 * constant learning rate) with another foreground weight, for side-by-side ablations. Not a test.
 *
 * <p>Args: {@code SRC OUT FOREGROUND_WEIGHT STEPS LR}.
 */
public final class FineTune {
  public static void main(String[] args) throws Exception {
    Path src = Path.of(args[0]);
    Path out = Path.of(args[1]);
    float weight = Float.parseFloat(args[2]);
    int steps = Integer.parseInt(args[3]);
    float lr = Float.parseFloat(args[4]);
    long start = System.nanoTime();
    try (TransformerTrainer trainer =
        TransformerTrainer.fromCheckpoint(
            TransformerTrainer.Settings.shapes().withForegroundWeight(weight), src)) {
      for (int s = 1; s <= steps; s++) {
        TransformerTrainer.Losses l = trainer.step(lr);
        if (s % 25 == 0) {
          System.out.printf(
              Locale.ROOT,
              "w %s step %d ce %.4f acc %.3f diff %.4f %.0fs%n",
              weight,
              s,
              l.tokens(),
              l.tokenAccuracy(),
              l.diffusionMse(),
              (System.nanoTime() - start) / 1e9);
        }
      }
      trainer.save(out);
    }
  }
}
