package org.hartbatch.hart.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.TensorInfo;
import org.hartbatch.hart.io.WeightSource;

/**
 * A checkpoint whose tensors are generated on demand from a seed: each tensor from its own stream
 * (seed and name), so the same name always gets the same values. Matrices and kernels are {@code
 * N(0, 1/fan_in)}, norm weights ones, biases {@code N(0, 0.02²)}, the codebook {@code N(0, 1)}. The
 * result is a well-conditioned network that produces noise, not pictures.
 */
public final class RandomWeights implements WeightSource {
  private final long seed;
  private final String origin;
  private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();

  public RandomWeights(long seed, String origin) {
    this.seed = seed;
    this.origin = origin;
  }

  /** Declares a tensor; returns this for chaining. */
  public RandomWeights add(String name, long... shape) {
    tensors.put(name, new TensorInfo(name, "F32", new Shape(shape)));
    return this;
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType floatType) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new CheckpointException(origin + ": no tensor named '" + name + "'");
    }
    Shape shape = info.shape();
    float[] values = new float[Math.toIntExact(shape.size())];
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    if (shape.dimension() == 1 && isNormWeight(name)) {
      java.util.Arrays.fill(values, 1f);
    } else {
      double std =
          shape.dimension() == 1
              ? 0.02
              : name.endsWith("embedding.weight")
                  ? 1.0
                  : 1.0 / Math.sqrt(shape.size() / shape.get(0));
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (random.nextGaussian() * std);
      }
    }
    NDArray array = manager.create(values, shape);
    return floatType == null || floatType == DataType.FLOAT32
        ? array
        : array.toType(floatType, false);
  }

  private static boolean isNormWeight(String name) {
    String module = name.substring(0, Math.max(0, name.lastIndexOf('.')));
    String last = module.substring(module.lastIndexOf('.') + 1);
    return name.endsWith(".weight")
        && (last.contains("norm") || last.contains("ln") || last.equals("in_ln"));
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() {}
}
