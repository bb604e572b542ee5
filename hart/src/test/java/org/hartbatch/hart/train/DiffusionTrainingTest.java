package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.SeededNoise;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.Parameters;
import org.junit.jupiter.api.Test;

/**
 * Trains the diffusion MLP alone on a toy conditional distribution (each condition owns a fixed
 * residual, plus a little noise) and samples it with the inference sampler: the samples can only
 * land on their condition's residual if training and sampling agree on the schedule, the timestep
 * numbering, the ε parameterisation, the latent scale and the variance interpolation.
 */
class DiffusionTrainingTest {
  private static final int CONDITIONS = 4;
  private static final int C = 8;
  private static final int CV = 4;
  private static final float DATA_NOISE = 0.02f;
  private static final int WIDTH = 32;
  private static final int STEPS = 400;
  private static final int TOKENS_PER_STEP = 64;
  private static final int TIMESTEPS_PER_TOKEN = 4;
  private static final float PEAK_LR = 5e-3f;
  private static final int WARMUP = 50;

  @Test
  void trainingOnAToyDistributionLowersTheLossAndTheSamplerLandsOnTheTargets() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(17);
      SplittableRandom rng = new SplittableRandom(17);
      float[][] conditions = new float[CONDITIONS][C];
      float[][] targets = new float[CONDITIONS][CV];
      for (int k = 0; k < CONDITIONS; k++) {
        for (int c = 0; c < C; c++) {
          conditions[k][c] = (float) rng.nextGaussian();
        }
        for (int c = 0; c < CV; c++) {
          targets[k][c] = (float) rng.nextDouble(-0.45, 0.45);
        }
      }
      Parameters p = Parameters.initialized(m, DataType.FLOAT32, DiffusionInit::create);
      SimpleMlpAdaLn net = new SimpleMlpAdaLn(new DiffusionConfig(CV, C, WIDTH, 2, "8"), p);
      Map<String, NDArray> parameters = p.bound();
      parameters.values().forEach(a -> a.setRequiresGradient(true));
      AdamW optimizer = new AdamW(parameters, AdamW.Settings.defaults(), m);
      DiffusionLoss diffusionLoss = new DiffusionLoss(net, 1, TIMESTEPS_PER_TOKEN);

      int window = STEPS / 5;
      double firstLoss = 0;
      double lastLoss = 0;
      double firstVb = 0;
      double lastVb = 0;
      int arraysAfterWarmUp = 0;
      long start = System.nanoTime();
      for (int step = 0; step < STEPS; step++) {
        if (step == 10) {
          arraysAfterWarmUp = m.getManagedArrays().size();
        }
        try (NDManager scope = m.newSubManager()) {
          float[] z = new float[TOKENS_PER_STEP * C];
          float[] residual = new float[TOKENS_PER_STEP * CV];
          for (int r = 0; r < TOKENS_PER_STEP; r++) {
            int k = rng.nextInt(CONDITIONS);
            System.arraycopy(conditions[k], 0, z, r * C, C);
            for (int c = 0; c < CV; c++) {
              residual[r * CV + c] = targets[k][c] + DATA_NOISE * (float) rng.nextGaussian();
            }
          }
          DiffusionLoss.Loss loss;
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            loss =
                diffusionLoss.loss(
                    scope.create(z, new Shape(TOKENS_PER_STEP, C)),
                    scope.create(residual, new Shape(TOKENS_PER_STEP, CV)),
                    rng);
            collector.backward(loss.total());
          }
          optimizer.step(
              PEAK_LR * Math.min(1f, (step + 1f) / WARMUP) * (1f - (float) step / STEPS));
          if (step < window) {
            firstLoss += loss.total().getFloat() / window;
            firstVb += loss.vb().getFloat() / window;
          } else if (step >= STEPS - window) {
            lastLoss += loss.total().getFloat() / window;
            lastVb += loss.vb().getFloat() / window;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(arraysAfterWarmUp, m.getManagedArrays().size(), "arrays kept across steps");

      int samplesPerCondition = 64;
      int rows = CONDITIONS * samplesPerCondition;
      float[] z = new float[rows * C];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(conditions[r / samplesPerCondition], 0, z, r * C, C);
      }
      float[] sampled;
      try (NDManager scope = m.newSubManager()) {
        sampled =
            DiffusionSampler.of(net)
                .sample(
                    scope.create(z, new Shape(rows, C)), 1.0, new SeededNoise(new long[] {5}, rows))
                .toFloatArray();
      }
      double error = 0;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < CV; c++) {
          error += Math.abs(sampled[r * CV + c] - targets[r / samplesPerCondition][c]);
        }
      }
      error /= rows * CV;
      double bias = 0;
      for (int k = 0; k < CONDITIONS; k++) {
        for (int c = 0; c < CV; c++) {
          double mean = 0;
          for (int r = k * samplesPerCondition; r < (k + 1) * samplesPerCondition; r++) {
            mean += sampled[r * CV + c] / samplesPerCondition;
          }
          bias += Math.abs(mean - targets[k][c]) / (CONDITIONS * CV);
        }
      }

      double spread = 0;
      for (int c = 0; c < CV; c++) {
        double mean = 0;
        for (int k = 0; k < CONDITIONS; k++) {
          mean += targets[k][c] / CONDITIONS;
        }
        for (int k = 0; k < CONDITIONS; k++) {
          spread += Math.abs(targets[k][c] - mean) / (CONDITIONS * CV);
        }
      }
      System.out.printf(
          "diffusion toy: %d steps in %.1f s, loss %.4f -> %.4f, vb %.4f -> %.4f, sample error %.4f"
              + " (bias %.4f), spread %.4f%n",
          STEPS, seconds, firstLoss, lastLoss, firstVb, lastVb, error, bias, spread);
      assertTrue(lastLoss < 0.2 * firstLoss, "loss " + firstLoss + " -> " + lastLoss);
      assertTrue(lastVb < 0.2 * firstVb, "vb " + firstVb + " -> " + lastVb);
      assertTrue(error < 0.3 * spread, "sample error " + error + " vs spread " + spread);
      assertTrue(bias < 0.1 * spread, "bias of the sample means " + bias + " vs spread " + spread);
    }
  }
}
