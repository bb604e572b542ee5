package org.hartbatch.hart.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hartbatch.hart.train.ImageTokenizer;
import org.hartbatch.hart.train.ReconstructionQuality;
import org.hartbatch.hart.train.TokenizerTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hart train-tokenizer}: trains the built-in model's hybrid tokenizer on the shapes data set
 * (or continues a run in the same directory), then judges reconstructions of held-out scenes.
 */
@Command(
    name = "train-tokenizer",
    mixinStandardHelpOptions = true,
    description = {
      "Train the shapes tokenizer (encoder, residual quantization, decoder) into --out;",
      "a directory holding a checkpoint is resumed. Writes config.json, model.safetensors,",
      "trainer-state.safetensors, tokenizer-loss.csv and tokenizer-quality.txt."
    })
final class TrainTokenizerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "output (and resume) directory")
  Path out;

  @Option(
      names = "--steps",
      description = "planned steps (default: ${DEFAULT-VALUE} of the built-in settings)")
  Integer steps;

  @Option(
      names = "--minutes",
      defaultValue = "15",
      description = "time budget of this call in minutes (default: ${DEFAULT-VALUE})")
  double minutes;

  @Option(
      names = "--foreground-weight",
      description =
          "extra reconstruction weight on shapes and their outlines (default: the built-in"
              + " settings')")
  Float foregroundWeight;

  @Option(
      names = "--eval-scenes",
      defaultValue = "200",
      description = "held-out scenes whose reconstructions are judged (default: ${DEFAULT-VALUE})")
  int evalScenes;

  @Override
  public Integer call() throws Exception {
    TokenizerTraining.Settings settings = TokenizerTraining.Settings.shapes32();
    if (steps != null) {
      settings = settings.withSteps(steps);
    }
    if (foregroundWeight != null) {
      settings = settings.withOptions(settings.options().withForegroundWeight(foregroundWeight));
    }
    PrintWriter err = spec.commandLine().getErr();
    TokenizerTraining.Outcome outcome =
        TokenizerTraining.train(
            settings,
            out,
            Duration.ofMillis(Math.round(minutes * 60_000)),
            p -> {
              if (p.due(10)) {
                err.println(p.line());
                err.flush();
              }
            });
    try (NDManager manager = NDManager.newBaseManager()) {
      ImageTokenizer tokenizer = ImageTokenizer.open(out, manager);
      ReconstructionQuality.Both quality =
          ReconstructionQuality.measure(
              tokenizer, TokenizerTraining.heldOut(settings, evalScenes), settings.imageSize());
      String report =
          String.format(
              Locale.ROOT,
              "steps %d, %.0f s in this run%n"
                  + "discrete   reconstructions: colour+cell+background %.3f, kinds %.3f,"
                  + " pixels %.4f%n"
                  + "continuous reconstructions: colour+cell+background %.3f, kinds %.3f,"
                  + " pixels %.4f (%d held-out scenes)%n",
              outcome.steps(),
              outcome.seconds(),
              quality.discrete().colourCellAndBackground(),
              quality.discrete().kinds(),
              quality.discrete().pixels(),
              quality.continuous().colourCellAndBackground(),
              quality.continuous().kinds(),
              quality.continuous().pixels(),
              evalScenes);
      Files.writeString(out.resolve("tokenizer-quality.txt"), report, StandardCharsets.UTF_8);
      spec.commandLine().getOut().print(report);
    }
    return 0;
  }
}
