package org.hartbatch.hart.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading Hugging Face directories: single file, sharded with the causal-LM prefix, and errors. */
class Qwen2CheckpointTest {
  private static final Qwen2Config CONFIG = new Qwen2Config(512, 32, 2, 4, 2, 64, 1e6, 1e-6);
  private static final List<String> PROMPTS = List.of("a cat sleeping", "a red car");
  private static final TextEncoderOptions OPTIONS = TextEncoderOptions.defaults().withMaxTokens(12);

  @Test
  void aSingleFileDirectoryEncodesLikeTheInMemoryModel(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Qwen2TestDirs.writeConfig(dir, CONFIG);
      SafeTensorsWriter.write(
          dir.resolve("model.safetensors"), Qwen2Checkpoint.random(CONFIG, 5, manager));
      Qwen2TestDirs.writeTinyTokenizer(dir);
    }
    assertSameEncoding(dir);
  }

  @Test
  void aShardedCausalLmDirectoryEncodesLikeTheInMemoryModel(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> first = new LinkedHashMap<>();
      Map<String, NDArray> second = new LinkedHashMap<>();
      Qwen2Checkpoint.random(CONFIG, 5, manager)
          .forEach(
              (name, tensor) ->
                  (name.startsWith("layers.0.") ? first : second).put("model." + name, tensor));
      second.put("lm_head.weight", manager.ones(new Shape(512, 32)));
      Map<String, String> weightMap = new LinkedHashMap<>();
      first.keySet().forEach(name -> weightMap.put(name, "model-00001-of-00002.safetensors"));
      second.keySet().forEach(name -> weightMap.put(name, "model-00002-of-00002.safetensors"));
      Qwen2TestDirs.writeConfig(dir, CONFIG);
      SafeTensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first);
      SafeTensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second);
      Files.writeString(
          dir.resolve("model.safetensors.index.json"),
          new ObjectMapper().writeValueAsString(Map.of("weight_map", weightMap)));
      Qwen2TestDirs.writeTinyTokenizer(dir);
    }
    assertSameEncoding(dir);
  }

  private static void assertSameEncoding(Path dir) throws Exception {
    try (TextEncoder loaded = TextEncoder.open(dir, OPTIONS);
        TextEncoder inMemory = TextEncoders.random(CONFIG, 5, OPTIONS);
        EncodedPrompts a = loaded.encode(PROMPTS);
        EncodedPrompts b = inMemory.encode(PROMPTS)) {
      assertEquals(CONFIG, loaded.config());
      assertTrue(a.context_BTD().allClose(b.context_BTD(), 0, 0, false));
    }
  }

  @Test
  void aMissingWeightIsNamed(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> tensors = Qwen2Checkpoint.random(CONFIG, 5, manager);
      tensors.remove("layers.1.self_attn.k_proj.bias");
      Qwen2TestDirs.writeConfig(dir, CONFIG);
      SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors);
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> Qwen2Checkpoint.load(dir, manager));
      assertTrue(
          e.getMessage().contains("missing (1): layers.1.self_attn.k_proj.bias (16)"),
          e.getMessage());
    }
  }

  @Test
  void aWeightWhoseShapeDisagreesWithConfigIsNamed(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Qwen2TestDirs.writeConfig(dir, CONFIG);
      Qwen2Config wider = new Qwen2Config(512, 32, 2, 4, 2, 96, 1e6, 1e-6);
      SafeTensorsWriter.write(
          dir.resolve("model.safetensors"), Qwen2Checkpoint.random(wider, 5, manager));
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> Qwen2Checkpoint.load(dir, manager));
      assertTrue(
          e.getMessage()
              .contains(
                  "layers.0.mlp.gate_proj.weight is (96, 32) but the config implies (64, 32)"),
          e.getMessage());
    }
  }

  @Test
  void aDirectoryWithoutSafetensorsSaysWhatItLacks(@TempDir Path dir) throws Exception {
    Qwen2TestDirs.writeConfig(dir, CONFIG);
    try (NDManager manager = NDManager.newBaseManager()) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> Qwen2Checkpoint.load(dir, manager));
      assertTrue(e.getMessage().contains("holds no weights"), e.getMessage());
    }
  }

  @Test
  void configErrorsNameTheField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 10, \"hidden_size\": 30}");
    CheckpointException missing =
        assertThrows(CheckpointException.class, () -> Qwen2Config.read(dir.resolve("config.json")));
    assertTrue(
        missing.getMessage().endsWith("field 'num_attention_heads' is missing"),
        missing.getMessage());
    Files.writeString(
        dir.resolve("config.json"),
        "{\"vocab_size\": 10, \"hidden_size\": 32, \"num_hidden_layers\": 1,"
            + " \"num_attention_heads\": 4, \"intermediate_size\": 8,"
            + " \"rope_scaling\": {\"type\": \"yarn\"}}");
    CheckpointException scaling =
        assertThrows(CheckpointException.class, () -> Qwen2Config.read(dir.resolve("config.json")));
    assertEquals(
        dir.resolve("config.json") + ": rope_scaling is not supported: {\"type\":\"yarn\"}",
        scaling.getMessage());
    CheckpointException indivisible =
        assertThrows(
            CheckpointException.class, () -> new Qwen2Config(10, 30, 1, 4, 2, 8, 1e4, 1e-6));
    assertEquals(
        "hidden_size 30 is not divisible by num_attention_heads 4", indivisible.getMessage());
  }
}
