package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.SafeTensorsFile;

/**
 * Loads a Qwen2 model from a Hugging Face directory: {@code config.json} and either {@code
 * model.safetensors} or the shards listed by {@code model.safetensors.index.json}. Keys map 1:1 to
 * {@link Qwen2Model#parameterShapes}, with or without the {@code model.} prefix that {@code
 * Qwen2ForCausalLM} checkpoints carry; other keys (such as {@code lm_head.weight}) are ignored.
 */
public final class Qwen2Checkpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CAUSAL_LM_PREFIX = "model.";

  private Qwen2Checkpoint() {}

  public static Qwen2Model load(Path dir, NDManager manager) throws IOException {
    Qwen2Config config = Qwen2Config.read(dir.resolve("config.json"));
    return Qwen2Model.fromTensors(config, readSafetensors(weightFiles(dir), config, manager));
  }

  /** The safetensors files of a checkpoint directory, in shard order. */
  static List<Path> weightFiles(Path dir) throws IOException {
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(index)) {
      JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
      if (!weightMap.isObject()) {
        throw new CheckpointException(index + ": has no weight_map object");
      }
      Set<String> shards = new LinkedHashSet<>();
      weightMap.elements().forEachRemaining(file -> shards.add(file.asText()));
      List<Path> files = new ArrayList<>();
      for (String shard : shards) {
        Path file = dir.resolve(shard).normalize();
        if (!file.startsWith(dir.normalize())) {
          throw new CheckpointException(index + ": shard '" + shard + "' lies outside " + dir);
        }
        files.add(file);
      }
      return files;
    }
    Path single = dir.resolve("model.safetensors");
    if (Files.isRegularFile(single)) {
      return List.of(single);
    }
    throw new CheckpointException(
        dir
            + ": no model.safetensors or model.safetensors.index.json"
            + " (PyTorch .bin weights are not read by the text encoder yet)");
  }

  /** Reads the Qwen2 parameters from safetensors files as float32, checking their shapes. */
  public static Map<String, NDArray> readSafetensors(
      List<Path> files, Qwen2Config config, NDManager manager) throws IOException {
    Map<String, Shape> wanted = Qwen2Model.parameterShapes(config);
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (Path path : files) {
      try (SafeTensorsFile file = SafeTensorsFile.open(path)) {
        for (String key : file.entries().keySet()) {
          String name =
              key.startsWith(CAUSAL_LM_PREFIX) ? key.substring(CAUSAL_LM_PREFIX.length()) : key;
          if (!wanted.containsKey(name)) {
            continue;
          }
          if (tensors.containsKey(name)) {
            throw new CheckpointException(path + ": tensor '" + name + "' appears twice");
          }
          tensors.put(name, file.load(key, manager, DataType.FLOAT32));
        }
      }
    }
    return tensors;
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
