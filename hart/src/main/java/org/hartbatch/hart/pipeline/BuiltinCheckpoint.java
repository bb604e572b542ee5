package org.hartbatch.hart.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hartbatch.hart.io.CheckpointException;

/**
 * A trained model that ships inside the {@code hart} jar, named {@code builtin:<name>}: a
 * checkpoint directory in the released layout ({@code llm/}, {@code tokenizer/}, {@code
 * text_encoder/}) kept as class-path resources under {@code org/hartbatch/hart/builtin/<name>/}.
 * Loading copies its files to a temporary directory (weights are memory-mapped, which needs real
 * files) and opens that like any checkpoint directory, so it works from a plain, fast or uber jar
 * without the source tree.
 *
 * @param name the name after {@code builtin:}
 * @param summary what the model is, for logs and image metadata
 */
public record BuiltinCheckpoint(String name, String summary) {

  /** The tiny HART trained on drawn shapes (issue 10, docs/training.md). */
  public static final BuiltinCheckpoint SHAPES =
      new BuiltinCheckpoint(
          "shapes",
          "a tiny HART trained on drawn shapes; it draws only captions in the shapes vocabulary");

  /** Resource root of the shipped checkpoints. */
  public static final String RESOURCE_ROOT = "org/hartbatch/hart/builtin/";

  /** The files of a shipped checkpoint, relative to its directory. */
  public static final List<String> FILES =
      List.of(
          "llm/config.json",
          "llm/ema_model.safetensors",
          "tokenizer/config.json",
          "tokenizer/model.safetensors",
          "text_encoder/config.json",
          "text_encoder/model.safetensors",
          "text_encoder/tokenizer.json",
          "text_encoder/tokenizer_config.json");

  public static List<BuiltinCheckpoint> all() {
    return List.of(SHAPES);
  }

  /** The checkpoint named by {@code builtin:<name>}, if it is one. */
  public static Optional<BuiltinCheckpoint> find(String spec) {
    String name =
        spec.startsWith(BuiltinModel.SPEC_PREFIX)
            ? spec.substring(BuiltinModel.SPEC_PREFIX.length())
            : spec;
    return all().stream().filter(c -> c.name.equals(name.toLowerCase(Locale.ROOT))).findFirst();
  }

  public String spec() {
    return BuiltinModel.SPEC_PREFIX + name;
  }

  /** Whether {@code loader} holds this checkpoint's files (a build without them lacks it). */
  public boolean isShippedIn(ClassLoader loader) {
    return loader.getResource(resource(FILES.get(0))) != null;
  }

  /**
   * Copies the checkpoint's files from {@code loader} into {@code dir} (created if missing).
   *
   * @throws CheckpointException naming the first missing file
   */
  public void extract(ClassLoader loader, Path dir) throws IOException {
    for (String file : FILES) {
      Path target = dir.resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in = loader.getResourceAsStream(resource(file))) {
        if (in == null) {
          throw new CheckpointException(
              spec()
                  + " is not in this build: the class path lacks "
                  + resource(file)
                  + " (the trained weights ship as resources of the hart module)");
        }
        Files.copy(in, target);
      }
    }
  }

  private String resource(String file) {
    return RESOURCE_ROOT + name + "/" + file;
  }
}
