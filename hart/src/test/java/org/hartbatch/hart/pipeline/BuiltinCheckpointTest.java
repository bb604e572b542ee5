package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.text.SystemPrompt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained built-in model ships as resources of a jar: these tests put a random-weight checkpoint
 * of builtin:shapes' kind into a jar and load it by name through a class loader that sees only that
 * jar, as a worker's fast-jar or an uber-jar would.
 */
class BuiltinCheckpointTest {
  private static final List<GenerationRequest> REQUESTS =
      List.of(
          GenerationRequest.of("a small red circle at the top left on a blue background", 3),
          GenerationRequest.of("a large green dragon in the center on a Purple sky", 4));

  @Test
  void aCheckpointInAJarLoadsByNameAndRendersLikeItsDirectory(@TempDir Path tmp) throws Exception {
    Path dir = CheckpointDirs.writeShapesLike(tmp.resolve("shapes"));
    Path jar = CheckpointDirs.writeJar(dir, "shapes", tmp.resolve("model.jar"));

    List<GenerationResult> fromDirectory;
    try (HartPipeline hart = HartPipeline.open(dir.toString(), PipelineOptions.defaults())) {
      fromDirectory = hart.generate(REQUESTS);
    }
    List<Path> extractedBefore = extractedDirs();
    List<GenerationResult> fromJar;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        HartPipeline hart =
            HartPipeline.open(BuiltinCheckpoint.SHAPES, loader, PipelineOptions.defaults())) {
      assertTrue(BuiltinCheckpoint.SHAPES.isShippedIn(loader));
      HartPipeline.ModelInfo info = hart.info();
      assertEquals("builtin:shapes", info.spec());
      assertFalse(info.randomWeights());
      assertEquals(32, info.imageSize());
      assertTrue(
          info.description().startsWith("builtin:shapes (a tiny HART trained"), info.description());
      fromJar = hart.generate(REQUESTS);
    }
    for (int r = 0; r < REQUESTS.size(); r++) {
      assertArrayEquals(
          fromDirectory.get(r).image().rgb_CHW(), fromJar.get(r).image().rgb_CHW(), 0f);
    }
    assertEquals(List.of(), fromJar.get(0).unknownWords());
    // Only the prompt's own words: the system prompt, all unknown to this vocabulary, never counts.
    assertEquals(List.of("dragon", "sky"), fromJar.get(1).unknownWords());
    assertEquals(extractedBefore, extractedDirs(), "the extracted files are deleted after loading");
  }

  private static List<Path> extractedDirs() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("hartbatch-shapes-"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aBuildWithoutTheWeightsSaysSoAndNamesTheMissingResource(@TempDir Path tmp) throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertFalse(BuiltinCheckpoint.SHAPES.isShippedIn(empty));
      CheckpointException e =
          assertThrows(
              CheckpointException.class,
              () -> HartPipeline.open(BuiltinCheckpoint.SHAPES, empty, PipelineOptions.defaults()));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "builtin:shapes is not in this build: the class path lacks"
                      + " org/hartbatch/hart/builtin/shapes/llm/config.json"),
          e.getMessage());
    }
  }

  @Test
  void theTextEncoderPadsToContextTokenWithTheSystemPromptUnlessTheConfigTurnsItOff(
      @TempDir Path tmp) throws Exception {
    Path config = CheckpointDirs.writeShapesLike(tmp.resolve("shapes")).resolve("llm/config.json");
    ObjectNode fields = (ObjectNode) ConfigFile.read(config).fields();
    assertEquals(24, HartPipeline.textOptions(ConfigFile.read(config)).maxTokens());
    assertEquals(
        SystemPrompt.REFERENCE, HartPipeline.textOptions(ConfigFile.read(config)).systemPrompt());
    fields.put(HartPipeline.USE_SYSTEM_PROMPT, false);
    Files.writeString(config, fields.toPrettyString());
    assertEquals("", HartPipeline.textOptions(ConfigFile.read(config)).systemPrompt());
    fields.put(HartPipeline.USE_SYSTEM_PROMPT, "no");
    Files.writeString(config, fields.toPrettyString());
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> HartPipeline.textOptions(ConfigFile.read(config)));
    assertTrue(
        e.getMessage()
            .endsWith("field 'use_llm_system_prompt' must be true or false but is \"no\""),
        e.getMessage());
  }

  @Test
  void unknownBuiltinNamesListTheTrainedAndTheRandomOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BuiltinModel.named("builtin:huge"));
    assertTrue(
        e.getMessage().endsWith("[builtin:shapes, builtin:tiny, builtin:mid, builtin:0.7b]"),
        e.getMessage());
  }
}
