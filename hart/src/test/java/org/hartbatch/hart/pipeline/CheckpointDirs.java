package org.hartbatch.hart.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.hartbatch.hart.io.SafeTensorsWriter;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.shapes.ShapesVocabulary;
import org.hartbatch.hart.text.Qwen2Checkpoint;
import org.hartbatch.hart.text.Qwen2Config;
import org.hartbatch.hart.text.Qwen2TestDirs;
import org.hartbatch.hart.text.WordLevelVocabulary;

/** Writes checkpoint directories in the released HART layout for tests. */
public final class CheckpointDirs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A random-weight model of builtin:shapes' kind: 32 px, 24 context tokens, the reference's system
   * prompt, a word-level tokenizer over the caption words only (so the system prompt is all unknown
   * tokens, which must not count as the prompt's unknown words).
   */
  public static final BuiltinModel SHAPES_LIKE =
      new BuiltinModel(
          "shapes-like",
          24,
          32,
          2,
          64,
          4,
          new int[] {1, 2, 3, 4, 6, 8},
          64,
          2,
          256,
          16,
          32,
          new int[] {1, 1, 2});

  private CheckpointDirs() {}

  /** {@link #SHAPES_LIKE} with its text encoder in {@code dir/text_encoder}. */
  public static Path writeShapesLike(Path dir) throws IOException {
    writeReleasedLayout(SHAPES_LIKE, dir);
    WordLevelVocabulary vocabulary = ShapesVocabulary.create();
    Qwen2Config text =
        new Qwen2Config(vocabulary.size(), SHAPES_LIKE.contextDim(), 1, 4, 2, 64, 1e6, 1e-6);
    Path textDir = dir.resolve("text_encoder");
    writeTextEncoder(text, BuiltinModel.WEIGHT_SEED, textDir);
    vocabulary.writeTo(textDir);
    return dir;
  }

  /** {@code llm/} (flat config, EMA weights) and {@code tokenizer/} (keys prefixed vae.). */
  public static void writeReleasedLayout(BuiltinModel model, Path dir) throws IOException {
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

  /** A Hugging Face Qwen2 directory: config, the bundled tiny tokenizer, float32 safetensors. */
  public static void writeTextEncoder(Qwen2Config c, long seed, Path dir) throws IOException {
    Files.createDirectories(dir);
    Qwen2TestDirs.writeConfig(dir, c);
    Qwen2TestDirs.writeTinyTokenizer(dir);
    try (NDManager manager = NDManager.newBaseManager()) {
      SafeTensorsWriter.write(
          dir.resolve("model.safetensors"), Qwen2Checkpoint.random(c, seed, manager));
    }
  }

  /**
   * A jar holding the files of {@code checkpointDir} as the resources of the built-in checkpoint
   * {@code name}.
   */
  public static Path writeJar(Path checkpointDir, String name, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (String relative : BuiltinCheckpoint.FILES) {
        out.putNextEntry(new JarEntry(BuiltinCheckpoint.RESOURCE_ROOT + name + "/" + relative));
        Files.copy(checkpointDir.resolve(relative), out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static Map<String, NDArray> materialize(
      WeightSource weights, String prefix, NDManager manager) throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (String name : weights.tensors().keySet()) {
      tensors.put(prefix + name, weights.load(name, manager, null));
    }
    return tensors;
  }
}
