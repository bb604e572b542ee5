package org.hartbatch.hart.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes Hugging Face style Qwen2 directories (config, float32 safetensors, tokenizer) for tests.
 */
public final class Qwen2TestDirs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Qwen2TestDirs() {}

  public static void writeConfig(Path dir, Qwen2Config c) throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("model_type", "qwen2");
    config.put("vocab_size", c.vocabSize());
    config.put("hidden_size", c.hiddenSize());
    config.put("num_hidden_layers", c.numHiddenLayers());
    config.put("num_attention_heads", c.numAttentionHeads());
    config.put("num_key_value_heads", c.numKeyValueHeads());
    config.put("intermediate_size", c.intermediateSize());
    config.put("rope_theta", c.ropeTheta());
    config.put("rms_norm_eps", c.rmsNormEps());
    config.put("hidden_act", "silu");
    Files.writeString(dir.resolve("config.json"), config.toPrettyString());
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
