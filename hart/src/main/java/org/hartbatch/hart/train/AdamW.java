package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over named parameters that carry gradients, with the gradients clipped to a global norm
 * first. The moments are named tensors ({@code m.<name>}, {@code v.<name>}) so a checkpoint can
 * store them and a resumed run continues exactly. Updates run in place, outside gradient recording,
 * so the networks keep computing with the same arrays.
 *
 * <p>Each parameter is updated by the engine's fused Adam kernel (one native call instead of a
 * dozen element-wise ops: with a hundred small tensors the per-op overhead dominated the step). Its
 * bias correction is folded into the rate and epsilon: {@code lr·m̂/(√v̂+ε) = lr·√c₂/c₁ ·
 * m/(√v+ε·√c₂)} with {@code c = 1 − βᵗ}.
 */
public final class AdamW {
  /**
   * Hyper-parameters; {@code weightDecay} is decoupled ({@code w -= lr · wd · w}); {@code maxNorm}
   * bounds the global L2 norm of all gradients (≤ 0: no clipping).
   */
  public record Settings(
      float beta1, float beta2, float epsilon, float weightDecay, float maxNorm) {
    public static Settings defaults() {
      return new Settings(0.9f, 0.95f, 1e-8f, 0f, 1f);
    }
  }

  private final Map<String, NDArray> parameters;
  private final Settings settings;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private int steps;

  public AdamW(Map<String, NDArray> parameters, Settings settings, NDManager manager) {
    this.parameters = parameters;
    this.settings = settings;
    parameters.forEach(
        (name, p) -> {
          firstMoments.put(name, manager.zeros(p.getShape(), p.getDataType()));
          secondMoments.put(name, manager.zeros(p.getShape(), p.getDataType()));
        });
  }

  /** Updates applied so far. */
  public int steps() {
    return steps;
  }

  /**
   * Applies one update with learning rate {@code lr} and zeroes the gradients.
   *
   * @return the global gradient norm before clipping
   */
  public float step(float lr) {
    float norm = gradientNorm();
    if (!Float.isFinite(norm)) {
      throw new IllegalStateException("gradient norm is " + norm + " at step " + (steps + 1));
    }
    float rescale =
        settings.maxNorm() > 0 && norm > settings.maxNorm() ? settings.maxNorm() / norm : 1f;
    steps++;
    double correction1 = 1 - Math.pow(settings.beta1(), steps);
    double root2 = Math.sqrt(1 - Math.pow(settings.beta2(), steps));
    float rate = (float) (lr * root2 / correction1);
    float epsilon = (float) (settings.epsilon() * root2);
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      try (NDArray g = p.getGradient()) {
        p.getNDArrayInternal()
            .adamUpdate(
                new NDList(p, g, firstMoments.get(e.getKey()), secondMoments.get(e.getKey())),
                new NDList(p),
                lr,
                rate,
                settings.weightDecay(),
                rescale,
                -1f,
                settings.beta1(),
                settings.beta2(),
                epsilon,
                false,
                true);
        g.subi(g);
      }
    }
    return norm;
  }

  private float gradientNorm() {
    double squares = 0;
    for (NDArray p : parameters.values()) {
      try (NDArray g = p.getGradient();
          NDArray squared = g.square();
          NDArray sum = squared.sum()) {
        squares += sum.getFloat();
      }
    }
    return (float) Math.sqrt(squares);
  }

  /** The moments and the step count, by name, for a checkpoint. */
  public Map<String, NDArray> state(NDManager manager) {
    Map<String, NDArray> state = new LinkedHashMap<>();
    firstMoments.forEach((name, m) -> state.put("m." + name, m));
    secondMoments.forEach((name, v) -> state.put("v." + name, v));
    state.put("steps", manager.create(new float[] {steps}));
    return state;
  }

  /** Restores what {@link #state} saved. */
  public void restore(Map<String, NDArray> state) {
    firstMoments.forEach((name, m) -> m.set(require(state, "m." + name).toFloatArray()));
    secondMoments.forEach((name, v) -> v.set(require(state, "v." + name).toFloatArray()));
    steps = Math.round(require(state, "steps").getFloat(0));
  }

  /** Clears the moments of rows {@code rows} of parameter {@code name} (restarted codes). */
  void resetRows(String name, long[] rows) {
    try (NDScope scope = new NDScope()) {
      for (Map<String, NDArray> moments : List.of(firstMoments, secondMoments)) {
        NDArray moment = moments.get(name);
        for (long row : rows) {
          moment.set(new NDIndex(row), 0f);
        }
      }
    }
  }

  private static NDArray require(Map<String, NDArray> state, String name) {
    NDArray tensor = state.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("optimizer state lacks the tensor '" + name + "'");
    }
    return tensor;
  }
}
