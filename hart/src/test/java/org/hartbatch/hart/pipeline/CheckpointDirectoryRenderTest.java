package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.hartbatch.hart.text.TextEncoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text to image from a checkpoint directory in the released Hugging Face layout: builtin:tiny's
 * weights and configs written as files, opened as a user would, must render the same images as
 * builtin:tiny itself. Any key a loader maps wrongly changes the pixels.
 */
class CheckpointDirectoryRenderTest {
  private static final List<GenerationRequest> REQUESTS =
      List.of(
          GenerationRequest.of("a red cat on a sofa", 7),
          GenerationRequest.of("a small blue house near the sea", 11));

  @Test
  void aCheckpointDirectoryRendersLikeTheBuiltinModelItWasWrittenFrom(@TempDir Path tmp)
      throws Exception {
    Path model = tmp.resolve("hart-tiny");
    Path textEncoder = tmp.resolve("qwen2-tiny");
    CheckpointDirs.writeReleasedLayout(BuiltinModel.TINY, model);
    CheckpointDirs.writeTextEncoder(
        TextEncoders.TINY_CONFIG, BuiltinModel.WEIGHT_SEED, textEncoder);

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
}
