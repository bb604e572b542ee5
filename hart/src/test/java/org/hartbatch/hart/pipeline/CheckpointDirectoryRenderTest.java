package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hartbatch.hart.io.SafeTensorsWriter;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.text.Qwen2Checkpoint;
import org.hartbatch.hart.text.Qwen2Config;
import org.hartbatch.hart.text.Qwen2TestDirs;
import org.hartbatch.hart.text.TextEncoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text to image from a checkpoint directory in the released Hugging Face layout: builtin:tiny's
 * weights and configs written as files, opened as a user would, must render the same images as
 * builtin:tiny itself. Any key a loader maps wrongly changes the pixels.
 */
class CheckpointDirectoryRenderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<GenerationRequest> REQUESTS =
      List.of(
          GenerationRequest.of("a red cat on a sofa", 7),
          GenerationRequest.of("a small blue house near the sea", 11));

  @Test
  void aCheckpointDirectoryRendersLikeTheBuiltinModelItWasWrittenFrom(@TempDir Path tmp)
      throws Exception {
    Path model = tmp.resolve("hart-tiny");
    Path textEncoder = tmp.resolve("qwen2-tiny");
    writeReleasedLayout(BuiltinModel.TINY, model);
    writeTextEncoder(TextEncoders.TINY_CONFIG, BuiltinModel.WEIGHT_SEED, textEncoder);

    List<GenerationResult> expected;
    try (HartPipeline builtin = HartPipeline.open("builtin:tiny", PipelineOptions.defaults())) {
      expected = builtin.generate(REQUESTS);
    }
    List<GenerationResult> actual;
    try (HartPipeline fromFiles =
        HartPipeline.open(
            model.toString(), PipelineOptions.defaults().withTextEncoderDir(textEncoder))) {
      assertFalse(fromFiles.info().randomWeights());
      assertEquals(BuiltinModel.TINY.imageSize(), fromFiles.info().imageSize());
      actual = fromFiles.generate(REQUESTS);
    }

    for (int r = 0; r < REQUESTS.size(); r++) {
      assertTrue(actual.get(r).succeeded(), "request " + r + ": " + actual.get(r).error());
      float[] want = expected.get(r).image().rgb_CHW();
      float[] got = actual.get(r).image().rgb_CHW();
      assertEquals(want.length, got.length);
      float worst = 0;
      for (int i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(want[i] - got[i]));
      }
      assertTrue(worst <= 1f / 255, "request " + r + ": largest pixel difference " + worst);
    }
    float differs = 0;
    float[] first = actual.get(0).image().rgb_CHW();
    float[] second = actual.get(1).image().rgb_CHW();
    for (int i = 0; i < first.length; i++) {
      differs = Math.max(differs, Math.abs(first[i] - second[i]));
    }
    assertTrue(differs > 1f / 255, "the two prompts must render different images");
  }

  /** {@code llm/} (flat config, EMA weights) and {@code tokenizer/} (keys prefixed vae.). */
  private static void writeReleasedLayout(BuiltinModel model, Path dir) throws IOException {
    Path llm = Files.createDirectories(dir.resolve("llm"));
    Path tokenizer = Files.createDirectories(dir.resolve("tokenizer"));
    Files.writeString(
        llm.resolve("config.json"), model.transformerConfig().fields().toPrettyString());
    ObjectNode vaeConfig = JSON.createObjectNode();
    vaeConfig.set("config", model.vaeConfig().fields());
    Files.writeString(tokenizer.resolve("config.json"), vaeConfig.toPrettyString());
    try (NDManager manager = NDManager.newBaseManager()) {
      SafeTensorsWriter.write(
          llm.resolve("ema_model.safetensors"),
          materialize(model.transformerWeights(), "", manager));
      SafeTensorsWriter.write(
          tokenizer.resolve("model.safetensors"), materialize(model.vaeWeights(), "vae.", manager));
    }
  }

  private static Map<String, NDArray> materialize(
      WeightSource weights, String prefix, NDManager manager) throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (String name : weights.tensors().keySet()) {
      tensors.put(prefix + name, weights.load(name, manager, null));
    }
    return tensors;
  }

  /** A Hugging Face Qwen2 directory: config, tokenizer files and float32 safetensors. */
  private static void writeTextEncoder(Qwen2Config c, long seed, Path dir) throws IOException {
    Files.createDirectories(dir);
    Qwen2TestDirs.writeConfig(dir, c);
    Qwen2TestDirs.writeTinyTokenizer(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      SafeTensorsWriter.write(
          dir.resolve("model.safetensors"), Qwen2Checkpoint.random(c, seed, manager));
    }
  }
}
