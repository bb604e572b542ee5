package org.hartbatch.hart.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.hartbatch.hart.train.BuiltinTraining;
import org.hartbatch.hart.train.TokenizerTraining;
import org.hartbatch.hart.train.TransformerTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hart train-builtin}: trains the built-in shapes model from scratch (tokenizer, then
 * transformer, diffusion head and text encoder) into a loadable checkpoint directory.
 */
@Command(
    name = "train-builtin",
    mixinStandardHelpOptions = true,
    description = {
      "Train the built-in shapes model from scratch into --out (resumes a run in --out):",
      "the tokenizer into OUT/tokenizer-training, then the transformer, its diffusion head and",
      "the text encoder. OUT becomes a HART checkpoint directory (llm/, tokenizer/,",
      "text_encoder/) with loss curves in tokenizer-training/tokenizer-loss.csv and",
      "transformer-loss.csv."
    })
final class TrainBuiltinCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "output (and resume) directory")
  Path out;

  @Option(
      names = "--tokenizer",
      description = "use this trained tokenizer directory instead of training one")
  Path tokenizer;

  @Option(
      names = "--tokenizer-minutes",
      defaultValue = "15",
      description = "time budget of the tokenizer phase (default: ${DEFAULT-VALUE})")
  double tokenizerMinutes;

  @Option(
      names = "--transformer-minutes",
      defaultValue = "29",
      description = "time budget of the transformer phase (default: ${DEFAULT-VALUE})")
  double transformerMinutes;

  @Option(names = "--tokenizer-steps", description = "planned tokenizer steps")
  Integer tokenizerSteps;

  @Option(names = "--transformer-steps", description = "planned transformer steps")
  Integer transformerSteps;

  @Option(
      names = "--transformer-max-shapes",
      description =
          "1: train the transformer on single-shape scenes only; 2: one or two shapes (default:"
              + " the built-in settings')")
  Integer transformerMaxShapes;

  @Option(
      names = "--foreground-weight",
      description =
          "extra tokenizer reconstruction weight on shapes and their outlines (default: the"
              + " built-in settings')")
  Float foregroundWeight;

  @Option(
      names = "--transformer-foreground-weight",
      description =
          "extra cross-entropy weight of the tokens whose patch touches a shape (default: the"
              + " built-in settings')")
  Float transformerForegroundWeight;

  @Option(
      names = "--report-every",
      defaultValue = "10",
      description = "steps between progress lines (default: ${DEFAULT-VALUE})")
  int reportEvery;

  @Override
  public Integer call() throws Exception {
    TokenizerTraining.Settings tokenizerSettings = TokenizerTraining.Settings.shapes32();
    if (tokenizerSteps != null) {
      tokenizerSettings = tokenizerSettings.withSteps(tokenizerSteps);
    }
    if (foregroundWeight != null) {
      tokenizerSettings =
          tokenizerSettings.withOptions(
              tokenizerSettings.options().withForegroundWeight(foregroundWeight));
    }
    TransformerTraining.Settings transformerSettings = TransformerTraining.Settings.shapes();
    if (transformerSteps != null) {
      transformerSettings = transformerSettings.withSteps(transformerSteps);
    }
    if (transformerMaxShapes != null) {
      transformerSettings =
          transformerSettings.withModel(
              transformerSettings.model().withMaxShapes(transformerMaxShapes));
    }
    if (transformerForegroundWeight != null) {
      transformerSettings =
          transformerSettings.withModel(
              transformerSettings.model().withForegroundWeight(transformerForegroundWeight));
    }
    BuiltinTraining.run(
        tokenizerSettings,
        transformerSettings,
        out,
        tokenizer,
        minutes(tokenizerMinutes),
        minutes(transformerMinutes),
        reportEvery,
        spec.commandLine().getErr());
    return 0;
  }

  private static Duration minutes(double minutes) {
    return Duration.ofMillis(Math.round(minutes * 60_000));
  }
}
