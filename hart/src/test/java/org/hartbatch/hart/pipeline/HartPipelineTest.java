package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.sampling.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library API end to end with the built-in model: text, transformer, diffusion, decode. */
class HartPipelineTest {
  private static HartPipeline hart;

  @BeforeAll
  static void open() throws Exception {
    hart = HartPipeline.open("builtin:tiny", PipelineOptions.defaults().withMaxBatch(4));
  }

  @AfterAll
  static void close() {
    hart.close();
  }

  @Test
  void rendersEveryValidRequestAndRejectsOnlyTheBadOne() {
    GenerationRequest cat = GenerationRequest.of("a red cat on a sofa", 3);
    GenerationRequest dog =
        new GenerationRequest("a dog", 4, new SamplingParams(3.0, 100, 0.95, false));
    List<GenerationResult> batch =
        hart.generate(
            List.of(dog, new GenerationRequest("   ", 5, SamplingParams.REFERENCE_DEFAULTS), cat));
    assertEquals(3, batch.size());
    assertTrue(batch.get(0).succeeded());
    assertNull(batch.get(1).image());
    assertNotNull(batch.get(1).error());
    GeneratedImage image = batch.get(2).image();
    assertEquals(hart.info().imageSize(), image.width());
    for (float v : image.rgb_CHW()) {
      assertTrue(v >= 0 && v <= 1, "pixel value " + v);
    }
    assertTrue(
        batch
            .get(2)
            .timingsNanos()
            .keySet()
            .containsAll(List.of("text encoding", "stage 0", "stage 7", "diffusion", "decode")));
    assertEquals(2, batch.get(2).batchSize());

    GenerationResult alone = hart.generate(List.of(cat)).get(0);
    for (int s = 0; s < alone.tokens().size(); s++) {
      assertArrayEquals(alone.tokens().get(s), batch.get(2).tokens().get(s), "stage " + s);
    }
    float worst = 0;
    for (int i = 0; i < image.rgb_CHW().length; i++) {
      worst = Math.max(worst, Math.abs(image.rgb_CHW()[i] - alone.image().rgb_CHW()[i]));
    }
    assertTrue(worst <= 1f / 255, "largest pixel difference " + worst);
    assertTrue(hart.info().randomWeights());
    assertTrue(hart.info().description().contains("random weights"));
  }

  @Test
  void aDirectoryWithoutTheCheckpointLayoutIsNamedInTheError(@TempDir Path dir) {
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> HartPipeline.open(dir.toString(), PipelineOptions.defaults()));
    assertTrue(e.getMessage().contains("llm/"), e.getMessage());
  }

  @Test
  void badOptionsNameTheField() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> PipelineOptions.defaults().withMaxBatch(0))
            .getMessage()
            .contains("maxBatch"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> HartPipeline.open("builtin:nope", PipelineOptions.defaults()))
            .getMessage()
            .contains("builtin:tiny"));
  }
}
