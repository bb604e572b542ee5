package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW over named parameters that carry gradients. The moments are named tensors ({@code
 * m.<name>}, {@code v.<name>}) so a checkpoint can store them and a resumed run continues exactly.
 * Updates run outside gradient recording, in place, so the networks keep computing with the same
 * arrays.
 */
public final class AdamW {
  /** Hyper-parameters; {@code weightDecay} is decoupled, applied as {@code w -= lr · wd · w}. */
  public record Settings(float beta1, float beta2, float epsilon, float weightDecay) {
    public static Settings defaults() {
      return new Settings(0.9f, 0.95f, 1e-8f, 0f);
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

  /** Applies one update with learning rate {@code lr} and zeroes the gradients. */
  public void step(float lr) {
    steps++;
    float correction1 = 1 - (float) Math.pow(settings.beta1(), steps);
    float correction2 = 1 - (float) Math.pow(settings.beta2(), steps);
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      NDArray m = firstMoments.get(e.getKey());
      NDArray v = secondMoments.get(e.getKey());
      try (NDArray g = p.getGradient()) {
        try (NDArray scaled = g.mul(1 - settings.beta1())) {
          m.muli(settings.beta1()).addi(scaled);
        }
        try (NDArray squared = g.square();
            NDArray scaled = squared.mul(1 - settings.beta2())) {
          v.muli(settings.beta2()).addi(scaled);
        }
        if (settings.weightDecay() > 0) {
          p.muli(1 - lr * settings.weightDecay());
        }
        try (NDArray vHat = v.div(correction2);
            NDArray root = vHat.sqrt();
            NDArray denominator = root.add(settings.epsilon());
            NDArray mHat = m.mul(lr / correction1);
            NDArray update = mHat.div(denominator)) {
          p.subi(update);
        }
        g.subi(g);
      }
    }
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

  private static NDArray require(Map<String, NDArray> state, String name) {
    NDArray tensor = state.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("optimizer state lacks the tensor '" + name + "'");
    }
    return tensor;
  }
}
