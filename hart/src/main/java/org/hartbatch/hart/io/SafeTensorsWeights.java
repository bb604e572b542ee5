package org.hartbatch.hart.io;

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights from one {@code .safetensors} file or from the shards listed by a Hugging Face {@code
 * *.safetensors.index.json} ({@code weight_map}: tensor name to shard file).
 */
public final class SafeTensorsWeights implements WeightSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String origin;
  private final List<SafeTensorsFile> files;
  private final Map<String, SafeTensorsFile> owner;
  private final Map<String, TensorInfo> tensors;

  private SafeTensorsWeights(
      String origin,
      List<SafeTensorsFile> files,
      Map<String, SafeTensorsFile> owner,
      Map<String, TensorInfo> tensors) {
    this.origin = origin;
    this.files = files;
    this.owner = owner;
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /** Opens a single file, or all shards when {@code path} ends with {@code .index.json}. */
  public static SafeTensorsWeights open(Path path) throws IOException {
    return path.getFileName().toString().endsWith(".index.json")
        ? openSharded(path)
        : openFiles(path.toString(), List.of(path), null);
  }

  private static SafeTensorsWeights openSharded(Path index) throws IOException {
    JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
    if (!weightMap.isObject() || weightMap.isEmpty()) {
      throw new CheckpointException(index + ": field 'weight_map' is missing or empty");
    }
    Map<String, String> declared = new LinkedHashMap<>();
    weightMap.fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue().asText()));
    List<Path> shards = new ArrayList<>();
    for (String shard : declared.values()) {
      if (shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
        throw new CheckpointException(
            index + ": shard '" + shard + "' must be a file name next to the index");
      }
      Path shardPath = index.resolveSibling(shard);
      if (!shards.contains(shardPath)) {
        if (!Files.isRegularFile(shardPath)) {
          throw new CheckpointException(index + ": shard '" + shard + "' does not exist");
        }
        shards.add(shardPath);
      }
    }
    return openFiles(index.toString(), shards, declared);
  }

  private static SafeTensorsWeights openFiles(
      String origin, List<Path> paths, Map<String, String> declared) throws IOException {
    List<SafeTensorsFile> files = new ArrayList<>();
    Map<String, SafeTensorsFile> owner = new LinkedHashMap<>();
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    try {
      for (Path path : paths) {
        SafeTensorsFile file = SafeTensorsFile.open(path);
        files.add(file);
        for (SafeTensorsFile.Entry entry : file.entries().values()) {
          if (owner.putIfAbsent(entry.name(), file) != null) {
            throw new CheckpointException(
                origin + ": tensor '" + entry.name() + "' is stored in more than one shard");
          }
          tensors.put(
              entry.name(), new TensorInfo(entry.name(), entry.dtype(), new Shape(entry.shape())));
        }
      }
      if (declared != null) {
        List<String> problems = new ArrayList<>();
        declared.forEach(
            (name, shard) -> {
              SafeTensorsFile file = owner.get(name);
              if (file == null) {
                problems.add("'" + name + "' is listed for " + shard + " but absent");
              } else if (!file.path().getFileName().toString().equals(shard)) {
                problems.add(
                    "'"
                        + name
                        + "' is listed for "
                        + shard
                        + " but stored in "
                        + file.path().getFileName());
              }
            });
        owner.keySet().stream()
            .filter(name -> !declared.containsKey(name))
            .forEach(name -> problems.add("'" + name + "' is stored but not listed in the index"));
        if (!problems.isEmpty()) {
          throw new CheckpointException(
              origin + ": index and shards disagree: " + String.join("; ", problems));
        }
      }
      return new SafeTensorsWeights(origin, files, owner, tensors);
    } catch (IOException | RuntimeException e) {
      for (SafeTensorsFile file : files) {
        file.close();
      }
      throw e;
    }
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType floatType) throws IOException {
    SafeTensorsFile file = owner.get(name);
    if (file == null) {
      throw new CheckpointException(origin + ": no tensor named '" + name + "'");
    }
    return file.load(name, manager, floatType);
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() throws IOException {
    for (SafeTensorsFile file : files) {
      file.close();
    }
  }
}
