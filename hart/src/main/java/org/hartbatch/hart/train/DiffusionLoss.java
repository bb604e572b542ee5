package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.function.DoubleUnaryOperator;
import java.util.random.RandomGenerator;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.DiffusionSchedule;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.runtime.Ops;

/**
 * The residual-diffusion training loss of HART (MAR's {@code DiffLoss}, DiT's Gaussian diffusion):
 * every token gets a uniform timestep of the unrespaced 1000-step cosine schedule, is noised to
 * {@code x_t = √ᾱ·x0 + √(1−ᾱ)·ε}, and the network is trained on
 *
 * <ul>
 *   <li>{@code mse}: the squared error of its noise prediction, averaged over channels;
 *   <li>{@code vb}: the variational-bound term of its learned-range variance, in bits per channel:
 *       {@code KL(q(x_{t−1} | x_t, x0) ‖ p(x_{t−1} | x_t))} with the model's mean built from the
 *       detached noise prediction (so only the variance output learns from it), and at {@code t =
 *       0} the discretised Gaussian likelihood of {@code x0} instead.
 * </ul>
 *
 * The target is the residual in latent units; like the reference it is divided by {@link
 * DiffusionSampler#LATENT_SCALE}, which the sampler multiplies back.
 */
public final class DiffusionLoss {
  private static final double LN2 = Math.log(2);

  /** Scalar means over the trained tokens; {@code total = mse + vb} is what to differentiate. */
  public record Loss(NDArray total, NDArray mse, NDArray vb) {}

  /** Per-token terms ({@code [N]}), before averaging. */
  public record Terms(NDArray mse, NDArray vb) {}

  private final SimpleMlpAdaLn net;
  private final DiffusionSchedule schedule = DiffusionSchedule.cosine("1000");
  private final double tokenFraction;
  private final int timestepsPerToken;

  /**
   * @param tokenFraction share of the given tokens trained per call, drawn at random (HART trains
   *     on a random subset of the last-scale tokens to save compute); 1 trains all of them
   * @param timestepsPerToken how many independent (timestep, noise) draws each trained token gets
   *     (MAR's {@code diffusion_batch_mul}); the network is cheap next to the transformer that
   *     computed the condition
   */
  public DiffusionLoss(SimpleMlpAdaLn net, double tokenFraction, int timestepsPerToken) {
    if (!(tokenFraction > 0 && tokenFraction <= 1)) {
      throw new IllegalArgumentException("tokenFraction must be in (0, 1], got " + tokenFraction);
    }
    if (timestepsPerToken < 1) {
      throw new IllegalArgumentException(
          "timestepsPerToken must be at least 1, got " + timestepsPerToken);
    }
    this.net = net;
    this.tokenFraction = tokenFraction;
    this.timestepsPerToken = timestepsPerToken;
  }

  /** The training schedule: the cosine schedule over all 1000 steps, without respacing. */
  public DiffusionSchedule schedule() {
    return schedule;
  }

  /**
   * The loss of the tokens with conditions {@code z_NC} (the transformer's last hidden state) and
   * targets {@code residual_NCv}, with the token subset, timesteps and noise drawn from {@code
   * rng}. Gradients flow to the network's parameters and to {@code z_NC}.
   */
  public Loss loss(NDArray z_NC, NDArray residual_NCv, RandomGenerator rng) {
    long rows = z_NC.getShape().get(0);
    int cv = net.config().tokenChannels();
    if (residual_NCv.getShape().dimension() != 2
        || residual_NCv.getShape().get(0) != rows
        || residual_NCv.getShape().get(1) != cv) {
      throw new IllegalArgumentException(
          "residual must be ["
              + rows
              + ", "
              + cv
              + "] like the condition rows, got "
              + residual_NCv.getShape());
    }
    long[] picked = pickRows(rows, rng);
    int n = picked.length;
    int[] timesteps = new int[n];
    float[] noise = new float[n * cv];
    for (int i = 0; i < n; i++) {
      timesteps[i] = rng.nextInt(schedule.steps());
    }
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) rng.nextGaussian();
    }
    NDManager manager = z_NC.getManager();
    try (NDScope scope = new NDScope()) {
      NDArray index = Ops.owned(manager.create(picked));
      Terms terms =
          terms(
              z_NC.get(index),
              residual_NCv.get(index),
              timesteps,
              Ops.owned(manager.create(noise, new Shape(n, cv))));
      NDArray mse = terms.mse().mean();
      NDArray vb = terms.vb().mean();
      terms.mse().close();
      terms.vb().close();
      Loss loss = new Loss(mse.add(vb), mse, vb);
      NDScope.unregister(loss.total(), mse, vb);
      return loss;
    }
  }

  /** Row indices of the trained tokens, each repeated {@code timestepsPerToken} times. */
  private long[] pickRows(long rows, RandomGenerator rng) {
    int total = Math.toIntExact(rows);
    int kept = Math.max(1, (int) Math.round(tokenFraction * total));
    long[] order = new long[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    if (kept < total) {
      for (int i = 0; i < kept; i++) {
        int j = i + rng.nextInt(total - i);
        long swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
    }
    long[] picked = new long[kept * timestepsPerToken];
    for (int r = 0; r < timestepsPerToken; r++) {
      System.arraycopy(order, 0, picked, r * kept, kept);
    }
    return picked;
  }

  /**
   * The per-token terms for the given timesteps ({@code 0..999}) and noise {@code noise_NCv}: the
   * deterministic core of {@link #loss}.
   */
  public Terms terms(NDArray z_NC, NDArray residual_NCv, int[] timesteps, NDArray noise_NCv) {
    NDManager manager = z_NC.getManager();
    int cv = net.config().tokenChannels();
    try (NDScope scope = new NDScope()) {
      Coefficients k = new Coefficients(manager, timesteps);
      NDArray x0 = Ops.scaled(residual_NCv, 1.0 / DiffusionSampler.LATENT_SCALE);
      NDArray xt = k.sqrtAlphaBar.mul(x0).add(k.sqrtOneMinusAlphaBar.mul(noise_NCv));
      NDArray out = net.forward(xt, Ops.owned(manager.create(toLongs(timesteps))), z_NC);
      NDArray epsPredicted = out.get(new NDIndex(":, 0:{}", cv));
      NDArray v = out.get(new NDIndex(":, {}:", cv));
      NDArray mse = epsPredicted.sub(noise_NCv).square().mean(new int[] {1});
      // p(x_{t-1} | x_t) as the sampler builds it, but from the detached noise prediction and
      // without clipping x0.
      NDArray x0Predicted =
          k.sqrtRecipAlphaBar
              .mul(xt)
              .sub(k.sqrtRecipAlphaBarMinusOne.mul(epsPredicted.stopGradient()));
      NDArray modelMean = k.posteriorCoef1.mul(x0Predicted).add(k.posteriorCoef2.mul(xt));
      NDArray frac = Ops.scaled(v.add(1f), 0.5);
      NDArray modelLogVar =
          frac.mul(k.logBeta).add(frac.neg().add(1f).mul(k.posteriorLogVarClipped));
      NDArray trueMean = k.posteriorCoef1.mul(x0).add(k.posteriorCoef2.mul(xt));
      NDArray kl = normalKl(trueMean, k.posteriorLogVarClipped, modelMean, modelLogVar);
      NDArray nll = discretizedGaussianNll(x0, modelMean, Ops.scaled(modelLogVar, 0.5));
      NDArray klBits = Ops.scaled(kl.mean(new int[] {1}), 1 / LN2);
      NDArray nllBits = Ops.scaled(nll.mean(new int[] {1}), 1 / LN2);
      NDArray vb = NDArrays.where(k.isFirstStep, nllBits, klBits);
      NDScope.unregister(mse, vb);
      return new Terms(mse, vb);
    }
  }

  /** {@code KL(N(mean1, e^logVar1) ‖ N(mean2, e^logVar2))}, elementwise. */
  static NDArray normalKl(NDArray mean1, NDArray logVar1, NDArray mean2, NDArray logVar2) {
    NDArray logRatio = logVar2.sub(logVar1);
    NDArray squaredGap = mean1.sub(mean2).square().mul(logVar2.neg().exp());
    return Ops.scaled(logRatio.add(logRatio.neg().exp()).add(squaredGap).sub(1f), 0.5);
  }

  /**
   * {@code −log} of the probability that a Gaussian puts on the bin of width {@code 2/255} around
   * {@code x} (the outermost bins extend to infinity), with the reference's tanh approximation of
   * the normal CDF.
   */
  static NDArray discretizedGaussianNll(NDArray x, NDArray mean, NDArray logScale) {
    NDArray centered = x.sub(mean);
    NDArray invStd = logScale.neg().exp();
    NDArray cdfPlus = approxStandardNormalCdf(centered.add(1f / 255f).mul(invStd));
    NDArray cdfMin = approxStandardNormalCdf(centered.sub(1f / 255f).mul(invStd));
    NDArray logCdfPlus = clampedLog(cdfPlus);
    NDArray logOneMinusCdfMin = clampedLog(cdfMin.neg().add(1f));
    NDArray logDelta = clampedLog(cdfPlus.sub(cdfMin));
    NDArray logProb =
        NDArrays.where(
            x.lt(-0.999f), logCdfPlus, NDArrays.where(x.gt(0.999f), logOneMinusCdfMin, logDelta));
    return logProb.neg();
  }

  private static NDArray approxStandardNormalCdf(NDArray x) {
    NDArray cubic = Ops.scaled(x.square().mul(x), 0.044715).add(x);
    return Ops.scaled(Ops.scaled(cubic, Math.sqrt(2 / Math.PI)).tanh().add(1f), 0.5);
  }

  private static NDArray clampedLog(NDArray x) {
    return x.clip(1e-12f, Float.MAX_VALUE).log();
  }

  private static long[] toLongs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** The schedule's values at each token's timestep as {@code [N, 1]} float32 columns. */
  private final class Coefficients {
    final NDArray sqrtAlphaBar;
    final NDArray sqrtOneMinusAlphaBar;
    final NDArray sqrtRecipAlphaBar;
    final NDArray sqrtRecipAlphaBarMinusOne;
    final NDArray posteriorCoef1;
    final NDArray posteriorCoef2;
    final NDArray posteriorLogVarClipped;
    final NDArray logBeta;
    final NDArray isFirstStep;

    Coefficients(NDManager manager, int[] timesteps) {
      double[] alphaBar = schedule.alphasCumprod();
      sqrtAlphaBar = column(manager, timesteps, alphaBar, Math::sqrt);
      sqrtOneMinusAlphaBar = column(manager, timesteps, alphaBar, a -> Math.sqrt(1 - a));
      sqrtRecipAlphaBar = column(manager, timesteps, schedule.sqrtRecipAlphasCumprod(), a -> a);
      sqrtRecipAlphaBarMinusOne =
          column(manager, timesteps, schedule.sqrtRecipm1AlphasCumprod(), a -> a);
      posteriorCoef1 = column(manager, timesteps, schedule.posteriorMeanCoef1(), a -> a);
      posteriorCoef2 = column(manager, timesteps, schedule.posteriorMeanCoef2(), a -> a);
      posteriorLogVarClipped =
          column(manager, timesteps, schedule.posteriorLogVarianceClipped(), a -> a);
      logBeta = column(manager, timesteps, schedule.logBetas(), a -> a);
      boolean[] first = new boolean[timesteps.length];
      for (int i = 0; i < timesteps.length; i++) {
        first[i] = timesteps[i] == 0;
      }
      isFirstStep = Ops.owned(manager.create(first));
    }

    private NDArray column(
        NDManager manager, int[] timesteps, double[] table, DoubleUnaryOperator f) {
      float[] values = new float[timesteps.length];
      for (int i = 0; i < timesteps.length; i++) {
        values[i] = (float) f.applyAsDouble(table[timesteps[i]]);
      }
      return Ops.owned(manager.create(values, new Shape(timesteps.length, 1)));
    }
  }
}
