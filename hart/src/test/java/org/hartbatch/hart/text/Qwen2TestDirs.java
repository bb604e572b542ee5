package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes Hugging Face style Qwen2 directories (config, float32 safetensors, tokenizer) for tests.
 */
final class Qwen2TestDirs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Qwen2TestDirs() {}

  static void writeConfig(Path dir, Qwen2Config c) throws IOException {
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

  /** Writes {@code tensors} (float32) into one safetensors file. */
  static void writeSafetensors(Path file, Map<String, NDArray> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", "F32");
      ArrayNode shape = entry.putArray("shape");
      for (long dim : e.getValue().getShape().getShape()) {
        shape.add(dim);
      }
      long bytes = e.getValue().size() * 4;
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(
          ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putLong(headerBytes.length)
              .array());
      out.write(headerBytes);
      for (NDArray tensor : tensors.values()) {
        float[] values = tensor.toFloatArray();
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        out.write(data.array());
      }
    }
  }

  /** Copies the bundled tiny tokenizer files into {@code dir}. */
  static void writeTinyTokenizer(Path dir) throws IOException {
    for (String name : List.of("tokenizer.json", "tokenizer_config.json")) {
      try (var in = TextEncoders.class.getResourceAsStream("tiny/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
  }
}
