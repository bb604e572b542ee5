package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.DiffusionSchedule;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.Parameters;
import org.junit.jupiter.api.Test;

class DiffusionLossTest {
  private static final DiffusionConfig SMALL = new DiffusionConfig(4, 8, 16, 2, "8");

  /** A network whose every output depends on every parameter (no zero-initialised layer). */
  private static Parameters randomParameters(NDManager m, long seed) {
    m.getEngine().setRandomSeed((int) seed);
    return Parameters.random(m, DataType.FLOAT32, 0.1f);
  }

  private static NDArray gaussian(NDManager m, SplittableRandom rng, float std, long... shape) {
    float[] values = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (std * rng.nextGaussian());
    }
    return m.create(values, new Shape(shape));
  }

  @Test
  void termsMatchAHandComputationOfTheNoiseErrorAndTheVariationalBound() {
    try (NDManager m = NDManager.newBaseManager()) {
      SimpleMlpAdaLn net = new SimpleMlpAdaLn(SMALL, randomParameters(m, 3));
      DiffusionLoss diffusionLoss = new DiffusionLoss(net, 1, 1);
      SplittableRandom rng = new SplittableRandom(11);
      int[] timesteps = {0, 1, 250, 600, 999};
      int n = timesteps.length;
      NDArray z = gaussian(m, rng, 1, n, 8);
      NDArray residual = gaussian(m, rng, 0.3f, n, 4);
      NDArray noise = gaussian(m, rng, 1, n, 4);
      DiffusionLoss.Terms terms = diffusionLoss.terms(z, residual, timesteps, noise);
      float[] mse = terms.mse().toFloatArray();
      float[] vb = terms.vb().toFloatArray();

      DiffusionSchedule s = diffusionLoss.schedule();
      double[] x0 = toDoubles(residual.div(DiffusionSampler.LATENT_SCALE).toFloatArray());
      double[] eps = toDoubles(noise.toFloatArray());
      double[] xt = new double[x0.length];
      long[] originalSteps = new long[n];
      for (int i = 0; i < n; i++) {
        double a = s.alphasCumprod()[timesteps[i]];
        for (int c = 0; c < 4; c++) {
          xt[i * 4 + c] = Math.sqrt(a) * x0[i * 4 + c] + Math.sqrt(1 - a) * eps[i * 4 + c];
        }
        originalSteps[i] = timesteps[i];
      }
      float[] out =
          net.forward(m.create(toFloats(xt), new Shape(n, 4)), m.create(originalSteps), z)
              .toFloatArray();
      for (int i = 0; i < n; i++) {
        int t = timesteps[i];
        double squared = 0;
        double bound = 0;
        for (int c = 0; c < 4; c++) {
          int j = i * 4 + c;
          double epsHat = out[i * 8 + c];
          double v = out[i * 8 + 4 + c];
          squared += (epsHat - eps[j]) * (epsHat - eps[j]) / 4;
          double x0Hat =
              s.sqrtRecipAlphasCumprod()[t] * xt[j] - s.sqrtRecipm1AlphasCumprod()[t] * epsHat;
          double modelMean = s.posteriorMeanCoef1()[t] * x0Hat + s.posteriorMeanCoef2()[t] * xt[j];
          double minLog = s.posteriorLogVarianceClipped()[t];
          double modelLogVar = (v + 1) / 2 * s.logBetas()[t] + (1 - v) / 2 * minLog;
          if (t == 0) {
            bound += -Math.log(binProbability(x0[j], modelMean, Math.exp(modelLogVar / 2))) / 4;
          } else {
            double trueMean = s.posteriorMeanCoef1()[t] * x0[j] + s.posteriorMeanCoef2()[t] * xt[j];
            double gap = trueMean - modelMean;
            bound +=
                0.5
                    * (modelLogVar
                        - minLog
                        + Math.exp(minLog - modelLogVar)
                        - 1
                        + gap * gap / Math.exp(modelLogVar))
                    / 4;
          }
        }
        assertEquals(squared, mse[i], 1e-4 * Math.max(1, squared), "mse at t=" + t);
        double bits = bound / Math.log(2);
        // At t = 0 the reference approximates the normal CDF (tanh formula); elsewhere the KL is
        // exact.
        double tolerance = (t == 0 ? 2e-3 : 1e-4) * Math.abs(bits);
        assertEquals(bits, vb[i], tolerance, "vb at t=" + t);
      }
    }
  }

  @Test
  void theBoundTrainsOnlyTheVarianceOutputAndTheNoiseErrorOnlyTheNoiseOutput() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameters p = randomParameters(m, 5);
      SimpleMlpAdaLn net = new SimpleMlpAdaLn(SMALL, p);
      DiffusionLoss diffusionLoss = new DiffusionLoss(net, 1, 1);
      NDArray outputWeight = p.bound().get("final_layer.linear.weight");
      outputWeight.setRequiresGradient(true);
      SplittableRandom rng = new SplittableRandom(2);
      int[] timesteps = {3, 400, 800};
      NDArray z = gaussian(m, rng, 1, 3, 8);
      NDArray residual = gaussian(m, rng, 0.3f, 3, 4);
      NDArray noise = gaussian(m, rng, 1, 3, 4);

      float[][] fromBound =
          outputGradientRows(
              outputWeight, () -> diffusionLoss.terms(z, residual, timesteps, noise).vb());
      float[][] fromError =
          outputGradientRows(
              outputWeight, () -> diffusionLoss.terms(z, residual, timesteps, noise).mse());

      assertEquals(0, maxAbs(fromBound[0]), "vb must not reach the ε rows");
      assertTrue(maxAbs(fromBound[1]) > 0, "vb must reach the variance rows");
      assertTrue(maxAbs(fromError[0]) > 0, "mse must reach the ε rows");
      assertEquals(0, maxAbs(fromError[1]), "mse must not reach the variance rows");
    }
  }

  /** Gradient of {@code term().sum()} on the ε rows [0] and the variance rows [1] of the output. */
  private static float[][] outputGradientRows(NDArray outputWeight, Supplier<NDArray> term) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(term.get().sum());
    }
    try (NDArray g = outputWeight.getGradient()) {
      float[][] rows = {
        g.get(new NDIndex("0:4")).toFloatArray(), g.get(new NDIndex("4:8")).toFloatArray()
      };
      g.subi(g);
      return rows;
    }
  }

  @Test
  void everyParameterAndTheConditionGetAGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameters p = randomParameters(m, 7);
      SimpleMlpAdaLn net = new SimpleMlpAdaLn(SMALL, p);
      Map<String, NDArray> bound = p.bound();
      bound.values().forEach(a -> a.setRequiresGradient(true));
      SplittableRandom rng = new SplittableRandom(4);
      NDArray z = gaussian(m, rng, 1, 16, 8);
      z.setRequiresGradient(true);
      NDArray residual = gaussian(m, rng, 0.3f, 16, 4);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(new DiffusionLoss(net, 1, 1).loss(z, residual, rng).total());
      }
      assertEquals(4 + 2 + 2 + 2 * 8 + 4, bound.size(), "tensors of a depth-2 network");
      bound.forEach(
          (name, array) -> assertTrue(maxAbs(array.getGradient().toFloatArray()) > 0, name));
      assertTrue(maxAbs(z.getGradient().toFloatArray()) > 0, "condition");
    }
  }

  @Test
  void aTokenSubsetTrainsOnlyThePickedTokens() {
    try (NDManager m = NDManager.newBaseManager()) {
      SimpleMlpAdaLn net = new SimpleMlpAdaLn(SMALL, randomParameters(m, 9));
      SplittableRandom rng = new SplittableRandom(6);
      NDArray z = gaussian(m, rng, 1, 10, 8);
      z.setRequiresGradient(true);
      NDArray residual = gaussian(m, rng, 0.3f, 10, 4);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(new DiffusionLoss(net, 0.3, 4).loss(z, residual, rng).total());
      }
      float[] g = z.getGradient().toFloatArray();
      int trained = 0;
      for (int row = 0; row < 10; row++) {
        float[] rowGradient = Arrays.copyOfRange(g, row * 8, row * 8 + 8);
        trained += maxAbs(rowGradient) > 0 ? 1 : 0;
      }
      assertEquals(3, trained);
    }
  }

  @Test
  void badArgumentsAreRejectedWithTheirName() {
    try (NDManager m = NDManager.newBaseManager()) {
      SimpleMlpAdaLn net = new SimpleMlpAdaLn(SMALL, randomParameters(m, 1));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(net, 0, 1))
              .getMessage()
              .contains("tokenFraction"));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(net, 1, 0))
              .getMessage()
              .contains("timestepsPerToken"));
      DiffusionLoss diffusionLoss = new DiffusionLoss(net, 1, 1);
      NDArray z = m.zeros(new Shape(3, 8));
      NDArray residual = m.zeros(new Shape(3, 5));
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () -> diffusionLoss.loss(z, residual, new SplittableRandom(1)))
              .getMessage()
              .contains("residual must be [3, 4]"));
    }
  }

  private static float maxAbs(float[] values) {
    float max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /** The Gaussian mass on {@code x}'s bin of width 2/255, by numerical integration of the pdf. */
  private static double binProbability(double x, double mean, double std) {
    int slices = 2000;
    double from = x - 1.0 / 255;
    double width = 2.0 / 255 / slices;
    double mass = 0;
    for (int k = 0; k < slices; k++) {
      double u = (from + (k + 0.5) * width - mean) / std;
      mass += Math.exp(-u * u / 2) / (std * Math.sqrt(2 * Math.PI)) * width;
    }
    return mass;
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
