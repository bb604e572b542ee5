package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hartbatch.hart.pipeline.BuiltinCheckpoint;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.sampling.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The shipped builtin:shapes draws what its captions say: the content benchmark's CI cases rendered
 * with the default sampling must pass the content check at rates far above chance ({@link
 * ContentBenchmark#ciPasses}), so a regression anywhere in inference (tokenizer, text encoder,
 * transformer, sampling, diffusion, decoder, pixels) shows up as wrong pictures.
 */
@EnabledIf("weightsShipped")
class ShippedShapesModelTest {

  static boolean weightsShipped() {
    return BuiltinCheckpoint.SHAPES.isShippedIn(ShippedShapesModelTest.class.getClassLoader());
  }

  @Test
  void theShippedModelDrawsWhatItsCaptionsSay() throws Exception {
    ContentBenchmark.Score score;
    try (HartPipeline hart = HartPipeline.open("builtin:shapes", PipelineOptions.defaults())) {
      score =
          ContentBenchmark.Score.of(
              ContentBenchmark.judge(
                  ContentBenchmark.ciCases(),
                  ContentBenchmark.rendering(hart, SamplingParams.REFERENCE_DEFAULTS)));
    }
    assertTrue(ContentBenchmark.ciPasses(score), score.toString());
  }
}
