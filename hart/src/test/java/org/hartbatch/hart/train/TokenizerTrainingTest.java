package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;
import org.hartbatch.hart.vae.VaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTrainingTest {
  private static final TokenizerTraining.Settings TINY =
      new TokenizerTraining.Settings(
          TokenizerTrainerTest.TINY,
          8,
          2,
          1,
          2,
          2,
          6,
          new LearningRate(1e-3f, 2, 0.1f),
          TokenizerTrainerTest.OFTEN,
          2);

  private static final Duration PLENTY = Duration.ofHours(1);

  @Test
  void aRunStoppedAndContinuedEndsWhereAnUninterruptedRunEnds(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    Path split = dir.resolve("split");
    List<TokenizerTraining.Progress> seen = new ArrayList<>();
    assertEquals(6, TokenizerTraining.train(TINY, whole, PLENTY, seen::add).steps());
    assertEquals(
        List.of(1, 2, 3, 4, 5, 6), seen.stream().map(TokenizerTraining.Progress::step).toList());
    assertEquals(
        List.of(false, true, false, true, false, true),
        seen.stream().map(p -> p.losses().discrete()).toList(),
        "odd steps decode the continuous latent, even steps the discrete one");

    assertEquals(4, TokenizerTraining.train(TINY, split, PLENTY, 4, p -> {}).steps());
    // a row written after the last checkpoint, by a run that was then killed
    Files.writeString(
        split.resolve(TokenizerTraining.LOSS_CSV),
        "5,continuous,9,9,9,9,9,9,9\n",
        StandardOpenOption.APPEND);
    assertEquals(6, TokenizerTraining.train(TINY, split, PLENTY, p -> {}).steps());

    assertArrayEquals(
        Files.readAllBytes(whole.resolve(TokenizerTrainer.WEIGHTS)),
        Files.readAllBytes(split.resolve(TokenizerTrainer.WEIGHTS)));
    List<String> rows = Files.readAllLines(split.resolve(TokenizerTraining.LOSS_CSV));
    assertEquals(7, rows.size(), "header and one row per step: " + rows);
    assertTrue(rows.get(0).startsWith("step,path,reconstruction,"), rows.get(0));
    for (int step = 1; step <= 6; step++) {
      assertEquals(
          columns(Files.readAllLines(whole.resolve(TokenizerTraining.LOSS_CSV)).get(step)),
          columns(rows.get(step)),
          "row of step " + step);
    }
    try (WeightSource weights = WeightSources.open(split.resolve(TokenizerTrainer.WEIGHTS))) {
      assertTrue(weights.tensors().containsKey("quantize.embedding.weight"));
    }
  }

  /** The CSV row without its wall-clock column. */
  private static String columns(String row) {
    return row.substring(0, row.lastIndexOf(','));
  }

  @Test
  void anExhaustedBudgetStillLeavesACheckpoint(@TempDir Path dir) throws Exception {
    TokenizerTraining.Outcome outcome = TokenizerTraining.train(TINY, dir, Duration.ZERO, p -> {});
    assertEquals(0, outcome.steps());
    assertTrue(TokenizerTrainer.canResume(dir));
  }

  @Test
  void aCheckpointOfAnotherConfigurationIsNotResumed(@TempDir Path dir) throws Exception {
    TokenizerTraining.train(TINY.withSteps(1), dir, PLENTY, p -> {});
    VaeConfig wider = new VaeConfig(32, 4, 32, new int[] {1, 2}, 0.5, 2, 0, 3, new int[] {1, 2, 4});
    TokenizerTraining.Settings other =
        new TokenizerTraining.Settings(
            wider, 8, 2, 1, 2, 2, 2, TINY.learningRate(), TINY.options(), 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TokenizerTraining.train(other, dir, PLENTY, p -> {}));
    assertTrue(e.getMessage().contains("another tokenizer configuration"), e.getMessage());
  }

  @Test
  void settingsWhoseImageDoesNotMatchTheLatentAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TokenizerTraining.Settings(
                    TokenizerTrainerTest.TINY,
                    16,
                    2,
                    1,
                    2,
                    2,
                    6,
                    TINY.learningRate(),
                    TINY.options(),
                    2));
    assertEquals(
        "image size 16 does not match the last patch side 4 times the downsampling 2",
        e.getMessage());
  }
}
