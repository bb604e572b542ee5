package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hartbatch.hart.pipeline.GenerationRequest;
import org.hartbatch.hart.pipeline.GenerationResult;
import org.hartbatch.hart.pipeline.HartPipeline;
import org.hartbatch.hart.pipeline.PipelineOptions;
import org.hartbatch.hart.shapes.SceneSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command training at tiny sizes: tokenizer then transformer, a loadable checkpoint
 * directory at the end, loss curves on disk, and a second call that continues the same run.
 */
class BuiltinTrainingTest {
  private static final TokenizerTraining.Settings TOKENIZER =
      new TokenizerTraining.Settings(
          TransformerTrainerTest.TINY_VAE,
          8,
          2,
          1,
          7,
          4,
          2,
          new LearningRate(1e-3f, 1, 0.1f),
          TokenizerTrainer.Options.defaults(),
          1);

  private static TransformerTraining.Settings transformer(int steps) {
    return new TransformerTraining.Settings(
        TransformerTrainerTest.TINY, steps, new LearningRate(1e-3f, 1, 0.1f), 1);
  }

  @Test
  void trainsEverythingIntoADirectoryThatHartPipelineOpensAndResumes(@TempDir Path out)
      throws Exception {
    StringWriter log = new StringWriter();
    Duration plenty = Duration.ofHours(1);
    BuiltinTraining.run(
        TOKENIZER, transformer(2), out, null, plenty, plenty, 1, new PrintWriter(log, true));
    assertTrue(log.toString().contains("transformer step 2/2"), log.toString());
    assertEquals(3, Files.readAllLines(out.resolve(TransformerTraining.LOSS_CSV)).size());

    String caption = new SceneSampler(3, 1).scene(0).caption();
    try (HartPipeline pipeline = HartPipeline.open(out.toString(), PipelineOptions.defaults())) {
      List<GenerationResult> results = pipeline.generate(List.of(GenerationRequest.of(caption, 1)));
      assertTrue(results.get(0).succeeded(), String.valueOf(results.get(0).error()));
      assertEquals(8, results.get(0).image().width());
    }

    BuiltinTraining.run(
        TOKENIZER, transformer(3), out, null, plenty, plenty, 1, new PrintWriter(log, true));
    List<String> rows = Files.readAllLines(out.resolve(TransformerTraining.LOSS_CSV));
    assertEquals(4, rows.size(), "header and steps 1-3 after resuming: " + rows);
    assertTrue(rows.get(3).startsWith("3,"), rows.get(3));
  }
}
