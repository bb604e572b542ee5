package org.hartbatch.hart.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens a checkpoint file or directory in whichever supported format it is stored. */
public final class WeightSources {
  private WeightSources() {}

  /**
   * A {@code .safetensors} file, a {@code *.safetensors.index.json} shard index, a PyTorch zip
   * checkpoint ({@code .bin}, {@code .pt}, {@code .pth}), or a directory holding one of them.
   */
  public static WeightSource open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return openDirectory(path, List.of());
    }
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException(path + " does not exist");
    }
    String name = path.getFileName().toString();
    if (name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json")) {
      return SafeTensorsWeights.open(path);
    }
    if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
      return TorchCheckpoint.open(path);
    }
    throw new CheckpointException(
        path
            + ": unknown checkpoint format (expected .safetensors, .safetensors.index.json, .bin)");
  }

  /**
   * The weights of a Hugging Face model directory: the first of {@code preferred} file names that
   * exists, else {@code model.safetensors.index.json}, {@code model.safetensors}, {@code
   * pytorch_model.bin}.
   */
  public static WeightSource openDirectory(Path dir, List<String> preferred) throws IOException {
    for (List<String> candidates :
        List.of(
            preferred,
            List.of("model.safetensors.index.json", "model.safetensors", "pytorch_model.bin"))) {
      for (String candidate : candidates) {
        Path file = dir.resolve(candidate);
        if (Files.isRegularFile(file)) {
          return open(file);
        }
      }
    }
    throw new CheckpointException(
        dir
            + " holds no weights: expected one of "
            + preferred
            + " model.safetensors.index.json, model.safetensors, pytorch_model.bin");
  }
}
