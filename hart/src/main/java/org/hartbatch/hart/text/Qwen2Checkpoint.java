package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;

/** Qwen2 weights from a Hugging Face model directory, or random ones for tests and benchmarks. */
public final class Qwen2Checkpoint {

  private Qwen2Checkpoint() {}

  /**
   * Loads {@code config.json} and the weights of a Hugging Face directory ({@code
   * model.safetensors}, its sharded index, or {@code pytorch_model.bin}) as float32.
   */
  public static Qwen2Model load(Path dir, NDManager manager) throws IOException {
    Qwen2Config config = Qwen2Config.read(dir.resolve("config.json"));
    try (WeightSource weights = WeightSources.openDirectory(dir, List.of())) {
      return Qwen2Model.load(weights, config, manager, DataType.FLOAT32);
    }
  }

  /**
   * Random parameters for tests and benchmarks: matrices ~ N(0, 0.02²), biases ~ N(0, 0.02²), norm
   * weights 1 + N(0, 0.02²). The same seed gives the same tensors on every platform.
   */
  public static Map<String, NDArray> random(Qwen2Config config, long seed, NDManager manager) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> entry : Qwen2Model.parameterShapes(config).entrySet()) {
      float offset = entry.getKey().endsWith("norm.weight") ? 1f : 0f;
      float[] values = new float[Math.toIntExact(entry.getValue().size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = offset + 0.02f * (float) random.nextGaussian();
      }
      tensors.put(entry.getKey(), manager.create(values, entry.getValue()));
    }
    return tensors;
  }
}
