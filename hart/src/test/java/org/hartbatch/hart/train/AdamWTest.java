package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
  /** Gradient of {@code Σ c·w²} is {@code 2·c·w}. */
  private static void backward(NDArray w, float[] c) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector();
        NDArray coefficients = w.getManager().create(c);
        NDArray squared = w.square();
        NDArray weighted = squared.mul(coefficients);
        NDArray loss = weighted.sum()) {
      collector.backward(loss);
    }
  }

  @Test
  void followsTheTextbookUpdateWithBiasCorrectionDecoupledDecayAndClipping() {
    float[] start = {1f, -2f, 0.5f};
    float[] c = {1f, 3f, 0.1f};
    AdamW.Settings settings = new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0.1f, 2f);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(start);
      w.setRequiresGradient(true);
      AdamW adam = new AdamW(Map.of("w", w), settings, m);
      double[] ref = {start[0], start[1], start[2]};
      double[] mom = new double[3];
      double[] vel = new double[3];
      for (int t = 1; t <= 5; t++) {
        float lr = 0.01f * t;
        backward(w, c);
        double[] g = new double[3];
        double norm = 0;
        for (int i = 0; i < 3; i++) {
          g[i] = 2 * c[i] * ref[i];
          norm += g[i] * g[i];
        }
        norm = Math.sqrt(norm);
        double scale = norm > 2 ? 2 / norm : 1;
        assertEquals(norm, adam.step(lr), 1e-4 * norm);
        for (int i = 0; i < 3; i++) {
          double gi = g[i] * scale;
          ref[i] -= lr * 0.1 * ref[i];
          mom[i] = 0.9 * mom[i] + 0.1 * gi;
          vel[i] = 0.95 * vel[i] + 0.05 * gi * gi;
          double mHat = mom[i] / (1 - Math.pow(0.9, t));
          double vHat = vel[i] / (1 - Math.pow(0.95, t));
          ref[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
        }
        float[] got = w.toFloatArray();
        for (int i = 0; i < 3; i++) {
          assertEquals(ref[i], got[i], 1e-5, "step " + t + " element " + i);
        }
        try (NDArray grad = w.getGradient()) {
          assertArrayEquals(new float[3], grad.toFloatArray(), "gradients are zeroed");
        }
      }
      assertEquals(5, adam.steps());
    }
  }

  @Test
  void aNonFiniteGradientStopsTheRunInsteadOfPoisoningTheWeights() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1f, 2f});
      w.setRequiresGradient(true);
      AdamW adam = new AdamW(Map.of("w", w), AdamW.Settings.defaults(), m);
      backward(w, new float[] {Float.NaN, 1f});
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> adam.step(1e-3f));
      assertEquals("gradient norm is NaN at step 1", e.getMessage());
      assertArrayEquals(new float[] {1f, 2f}, w.toFloatArray());
    }
  }
}
