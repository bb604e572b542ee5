package org.hartbatch.hart.diffusion;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The respaced cosine IDDPM schedule, computed in float64 exactly as the reference's {@code
 * GaussianDiffusion} / {@code SpacedDiffusion} do; samplers cast each value to float32 after
 * picking it, like the reference's {@code _extract_into_tensor}.
 */
public final class DiffusionSchedule {
  public static final int BASE_STEPS = 1000;
  private static final double MAX_BETA = 0.999;

  private final long[] timestepMap;
  private final double[] betas;
  private final double[] alphasCumprod;
  private final double[] alphasCumprodPrev;
  private final double[] sqrtRecipAlphasCumprod;
  private final double[] sqrtRecipm1AlphasCumprod;
  private final double[] posteriorVariance;
  private final double[] posteriorLogVarianceClipped;
  private final double[] posteriorMeanCoef1;
  private final double[] posteriorMeanCoef2;
  private final double[] logBetas;

  private DiffusionSchedule(long[] timestepMap, double[] betas) {
    int n = betas.length;
    this.timestepMap = timestepMap;
    this.betas = betas;
    alphasCumprod = new double[n];
    alphasCumprodPrev = new double[n];
    sqrtRecipAlphasCumprod = new double[n];
    sqrtRecipm1AlphasCumprod = new double[n];
    posteriorVariance = new double[n];
    posteriorLogVarianceClipped = new double[n];
    posteriorMeanCoef1 = new double[n];
    posteriorMeanCoef2 = new double[n];
    logBetas = new double[n];
    double product = 1;
    for (int t = 0; t < n; t++) {
      alphasCumprodPrev[t] = product;
      product *= 1 - betas[t];
      alphasCumprod[t] = product;
    }
    for (int t = 0; t < n; t++) {
      double ac = alphasCumprod[t];
      double acPrev = alphasCumprodPrev[t];
      sqrtRecipAlphasCumprod[t] = Math.sqrt(1.0 / ac);
      sqrtRecipm1AlphasCumprod[t] = Math.sqrt(1.0 / ac - 1);
      posteriorVariance[t] = betas[t] * (1.0 - acPrev) / (1.0 - ac);
      posteriorMeanCoef1[t] = betas[t] * Math.sqrt(acPrev) / (1.0 - ac);
      posteriorMeanCoef2[t] = (1.0 - acPrev) * Math.sqrt(1 - betas[t]) / (1.0 - ac);
      logBetas[t] = Math.log(betas[t]);
    }
    for (int t = 0; t < n; t++) {
      // The posterior variance is 0 at t = 0; the reference clips it to the value at t = 1.
      posteriorLogVarianceClipped[t] = Math.log(posteriorVariance[t == 0 && n > 1 ? 1 : t]);
    }
  }

  /** The cosine schedule over 1000 steps, respaced by {@code spec} (e.g. {@code "8"}). */
  public static DiffusionSchedule cosine(String spec) {
    double[] baseBetas = new double[BASE_STEPS];
    for (int i = 0; i < BASE_STEPS; i++) {
      double t1 = (double) i / BASE_STEPS;
      double t2 = (double) (i + 1) / BASE_STEPS;
      baseBetas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), MAX_BETA);
    }
    TreeSet<Integer> kept = spacedTimesteps(BASE_STEPS, spec);
    List<Double> betas = new ArrayList<>();
    long[] map = new long[kept.size()];
    double cumulative = 1;
    double lastKept = 1;
    int j = 0;
    for (int i = 0; i < BASE_STEPS; i++) {
      cumulative *= 1 - baseBetas[i];
      if (kept.contains(i)) {
        betas.add(1 - cumulative / lastKept);
        lastKept = cumulative;
        map[j++] = i;
      }
    }
    return new DiffusionSchedule(map, betas.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double alphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /**
   * The reference's {@code space_timesteps}: the base steps are cut into equal sections and each
   * section keeps its count of evenly strided steps (rounded half-to-even, as Python does).
   */
  static TreeSet<Integer> spacedTimesteps(int steps, String spec) {
    String[] parts = spec.split(",");
    int[] counts = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        counts[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "num_sampling_steps '" + spec + "' must be comma-separated step counts");
      }
    }
    int sizePer = steps / counts.length;
    int extra = steps % counts.length;
    int start = 0;
    TreeSet<Integer> all = new TreeSet<>();
    for (int i = 0; i < counts.length; i++) {
      int size = sizePer + (i < extra ? 1 : 0);
      int count = counts[i];
      if (count < 1 || size < count) {
        throw new IllegalArgumentException(
            "num_sampling_steps '" + spec + "': cannot take " + count + " of " + size + " steps");
      }
      double stride = count <= 1 ? 1 : (double) (size - 1) / (count - 1);
      double current = 0;
      for (int k = 0; k < count; k++) {
        all.add(start + (int) Math.rint(current));
        current += stride;
      }
      start += size;
    }
    return all;
  }

  public int steps() {
    return betas.length;
  }

  public long[] timestepMap() {
    return timestepMap.clone();
  }

  public long originalTimestep(int t) {
    return timestepMap[t];
  }

  public double[] betas() {
    return betas.clone();
  }

  public double[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  public double[] alphasCumprodPrev() {
    return alphasCumprodPrev.clone();
  }

  public double[] sqrtRecipAlphasCumprod() {
    return sqrtRecipAlphasCumprod.clone();
  }

  public double[] sqrtRecipm1AlphasCumprod() {
    return sqrtRecipm1AlphasCumprod.clone();
  }

  public double[] posteriorVariance() {
    return posteriorVariance.clone();
  }

  public double[] posteriorLogVarianceClipped() {
    return posteriorLogVarianceClipped.clone();
  }

  public double[] posteriorMeanCoef1() {
    return posteriorMeanCoef1.clone();
  }

  public double[] posteriorMeanCoef2() {
    return posteriorMeanCoef2.clone();
  }

  public double[] logBetas() {
    return logBetas.clone();
  }
}
