package org.hartbatch.hart.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's {@code DiffLoss.sample}: the respaced IDDPM ancestral sampler ({@code ε}
 * prediction, learned-range variance, {@code x0} clipped to [-1, 1]) followed by the latent scale.
 */
public final class DiffusionSampler {
  /** The reference multiplies the sampled residual by this ({@code vae_scale}). */
  public static final float LATENT_SCALE = 0.6f;

  /** Sees the state after each step, e.g. to compare it with a recorded run. */
  @FunctionalInterface
  public interface StepObserver {
    /**
     * @param step loop iteration 0..steps-1 (respaced timestep {@code steps-1-step})
     */
    void onStep(int step, NDArray modelOut, NDArray predictedX0, NDArray sample);
  }

  private final SimpleMlpAdaLn net;
  private final DiffusionSchedule schedule;

  public DiffusionSampler(SimpleMlpAdaLn net, DiffusionSchedule schedule) {
    this.net = net;
    this.schedule = schedule;
  }

  public static DiffusionSampler of(SimpleMlpAdaLn net) {
    return new DiffusionSampler(net, DiffusionSchedule.cosine(net.config().samplingSteps()));
  }

  public DiffusionSchedule schedule() {
    return schedule;
  }

  /**
   * The residual for condition rows {@code z_NC}, scaled by {@link #LATENT_SCALE}: {@code [N, Cv]}.
   * With {@code cfg != 1} the rows are {@code [cond ; uncond]} and only the first half is
   * meaningful.
   */
  public NDArray sample(NDArray z_NC, double cfg, NoiseSource noise) {
    try (NDArray x = denoise(z_NC, cfg, noise, null);
        NDArray scaled = x.mul(LATENT_SCALE)) {
      return scaled.toType(z_NC.getDataType(), true);
    }
  }

  /**
   * The reference's {@code p_sample_loop} (before the latent scale), in fp32 whatever the type of
   * {@code z_NC}: only the network runs in the compute type, as under the reference's fp16
   * autocast. The schedule's factors reach ~2e4 at the first steps, so in fp16 {@code x·√(1/ᾱ)}
   * overflows for |x| above ~3 and the picture turns to NaN.
   */
  public NDArray denoise(NDArray z_NC, double cfg, NoiseSource noise, StepObserver observer) {
    NDManager manager = z_NC.getManager();
    long rows = z_NC.getShape().get(0);
    int cv = net.config().tokenChannels();
    boolean guided = cfg != 1.0;
    NDArray x;
    if (guided) {
      if (rows % 2 != 0) {
        throw new IllegalArgumentException(
            "guided sampling needs [cond ; uncond] rows, got " + rows);
      }
      try (NDArray n0 = noise.gaussian(manager, new Shape(rows / 2, cv))) {
        x = n0.concat(n0, 0);
      }
    } else {
      x = noise.gaussian(manager, new Shape(rows, cv));
    }
    try (NDArray condEmbed = net.embedCondition(z_NC)) {
      int steps = schedule.steps();
      for (int k = 0; k < steps; k++) {
        int t = steps - 1 - k;
        NDArray next;
        try (NDScope scope = new NDScope()) {
          next = step(x, t, condEmbed, cfg, noise, k, observer);
          NDScope.unregister(next);
        }
        x.close();
        x = next;
      }
      return x;
    } catch (RuntimeException e) {
      x.close();
      throw e;
    }
  }

  private NDArray step(
      NDArray x,
      int t,
      NDArray condEmbed,
      double cfg,
      NoiseSource noise,
      int k,
      StepObserver observer) {
    NDManager manager = x.getManager();
    int cv = net.config().tokenChannels();
    NDArray timestep = manager.create(new long[] {schedule.originalTimestep(t)});
    NDArray y =
        net.timeEmbed().embed(timestep).toType(condEmbed.getDataType(), false).add(condEmbed);
    NDArray xNet = x.toType(condEmbed.getDataType(), false);
    NDArray out =
        (cfg != 1.0 ? net.forwardWithCfg(xNet, y, cfg) : net.forward(xNet, y))
            .toType(DataType.FLOAT32, false);
    NDArray eps = out.get(new NDIndex(":, 0:{}", cv));
    NDArray v = out.get(new NDIndex(":, {}:", cv));
    float maxLog = (float) schedule.logBetas()[t];
    float minLog = (float) schedule.posteriorLogVarianceClipped()[t];
    NDArray frac = v.add(1f).div(2f);
    NDArray logVariance = frac.mul(maxLog).add(frac.neg().add(1f).mul(minLog));
    NDArray x0 =
        x.mul((float) schedule.sqrtRecipAlphasCumprod()[t])
            .sub(eps.mul((float) schedule.sqrtRecipm1AlphasCumprod()[t]))
            .clip(-1f, 1f);
    NDArray mean =
        x0.mul((float) schedule.posteriorMeanCoef1()[t])
            .add(x.mul((float) schedule.posteriorMeanCoef2()[t]));
    NDArray draw = noise.gaussian(manager, x.getShape());
    NDArray sample = t != 0 ? mean.add(logVariance.mul(0.5f).exp().mul(draw)) : mean.duplicate();
    if (observer != null) {
      observer.onStep(k, out, x0, sample);
    }
    return sample;
  }
}
