package org.hartbatch.hart.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Hugging Face layout of a released HART model, e.g. {@code mit-han-lab/hart-0.7b-1024px}:
 * {@code llm/config.json} with the transformer weights (the EMA file {@code ema_model.bin} is
 * preferred, as the reference scripts load it over the plain weights) and {@code
 * tokenizer/config.json} with the tokenizer weights (keys prefixed {@code vae.}).
 */
public final class HartCheckpointDir {
  public static final String TRANSFORMER = "llm";
  public static final String TOKENIZER = "tokenizer";

  private final Path root;

  public HartCheckpointDir(Path root) {
    if (!Files.isDirectory(root.resolve(TRANSFORMER))
        || !Files.isDirectory(root.resolve(TOKENIZER))) {
      throw new CheckpointException(
          root + " is not a HART checkpoint: it needs the sub-directories llm/ and tokenizer/");
    }
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public ConfigFile transformerConfig() throws IOException {
    return ConfigFile.read(root.resolve(TRANSFORMER).resolve("config.json"));
  }

  public WeightSource transformerWeights() throws IOException {
    return WeightSources.openDirectory(
        root.resolve(TRANSFORMER), List.of("ema_model.safetensors", "ema_model.bin"));
  }

  public ConfigFile tokenizerConfig() throws IOException {
    return ConfigFile.read(root.resolve(TOKENIZER).resolve("config.json"));
  }

  public WeightSource tokenizerWeights() throws IOException {
    return WeightSources.openDirectory(root.resolve(TOKENIZER), List.of());
  }
}
