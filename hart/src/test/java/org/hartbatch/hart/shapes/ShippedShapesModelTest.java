package org.hartbatch.hart.shapes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hartbatch.hart.pipeline.BuiltinCheckpoint;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.sampling.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The shipped builtin:shapes draws what its captions say: 12 of the content benchmark's captions
 * (10 single-shape, 2 two-shape) rendered with the default sampling must pass the content check at
 * rates well above chance, so a regression anywhere in inference (tokenizer, text encoder,
 * transformer, sampling, diffusion, decoder, pixels) shows up as wrong pictures. The thresholds sit
 * below the rates measured on the full benchmark (docs/benchmarks.md) with a margin for the smaller
 * sample.
 */
@EnabledIf("weightsShipped")
class ShippedShapesModelTest {
  private static final int MIN_SINGLE_COLOUR_CELL_BACKGROUND = 7;
  private static final int MIN_SINGLE_KINDS = 4;

  static boolean weightsShipped() {
    return BuiltinCheckpoint.SHAPES.isShippedIn(ShippedShapesModelTest.class.getClassLoader());
  }

  @Test
  void theShippedModelDrawsWhatItsCaptionsSay() throws Exception {
    List<ContentBenchmark.Judged> judged;
    try (HartPipeline hart = HartPipeline.open("builtin:shapes", PipelineOptions.defaults())) {
      judged =
          ContentBenchmark.judge(
              ContentBenchmark.subset(10, 2),
              ContentBenchmark.rendering(hart, SamplingParams.REFERENCE_DEFAULTS));
    }
    ContentBenchmark.Score score = ContentBenchmark.Score.of(judged);
    assertTrue(
        score.singleColourCellBackground() >= MIN_SINGLE_COLOUR_CELL_BACKGROUND,
        "colour, cell and background: " + score);
    assertTrue(score.singleKinds() >= MIN_SINGLE_KINDS, "shape kinds: " + score);
  }
}
