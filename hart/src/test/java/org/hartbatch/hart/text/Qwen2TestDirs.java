package org.hartbatch.hart.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes Hugging Face style Qwen2 directories (config, float32 safetensors, tokenizer) for tests.
 */
public final class Qwen2TestDirs {

  private Qwen2TestDirs() {}

  public static void writeConfig(Path dir, Qwen2Config c) throws IOException {
    Files.writeString(dir.resolve("config.json"), c.toJson());
  }

  /** Copies the bundled tiny tokenizer files into {@code dir}. */
  public static void writeTinyTokenizer(Path dir) throws IOException {
    for (String name : List.of("tokenizer.json", "tokenizer_config.json")) {
      try (var in = TextEncoders.class.getResourceAsStream("tiny/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
  }
}
