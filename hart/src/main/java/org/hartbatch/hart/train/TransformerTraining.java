package org.hartbatch.hart.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A whole transformer training run over a trained tokenizer: the learning rate follows {@link
 * LearningRate}, the run stops after {@code steps} or when the time budget is spent, a resumable
 * checkpoint (which is also a loadable HART checkpoint directory) is saved every {@code
 * checkpointEvery} steps and at the end, and a run started on a directory holding one continues
 * from it. Each step appends a row to {@code transformer-loss.csv}.
 */
public final class TransformerTraining {
  static final String LOSS_CSV = "transformer-loss.csv";
  private static final String CSV_HEADER =
      "step,token_ce,token_accuracy,diffusion_mse,diffusion_vb,grad_norm,lr,seconds";

  /**
   * @param model sizes and training choices of the networks
   * @param steps planned steps (the cosine schedule ends there)
   * @param learningRate the schedule
   * @param checkpointEvery steps between checkpoints
   */
  public record Settings(
      TransformerTrainer.Settings model,
      int steps,
      LearningRate learningRate,
      int checkpointEvery) {
    public Settings {
      if (steps <= 0 || checkpointEvery <= 0) {
        throw new IllegalArgumentException(
            "steps and checkpointEvery must be positive, got " + steps + ", " + checkpointEvery);
      }
    }

    /** The built-in shapes model. */
    public static Settings shapes() {
      return new Settings(
          TransformerTrainer.Settings.shapes(), 4000, new LearningRate(1.5e-3f, 40, 0.05f), 50);
    }

    public Settings withSteps(int steps) {
      return new Settings(model, steps, learningRate, checkpointEvery);
    }

    public Settings withModel(TransformerTrainer.Settings model) {
      return new Settings(model, steps, learningRate, checkpointEvery);
    }
  }

  /** Reported after every step. */
  public record Progress(
      int step, int steps, TransformerTrainer.Losses losses, float lr, double seconds)
      implements StepProgress {
    @Override
    public String line() {
      return String.format(
          Locale.ROOT,
          "step %d/%d ce %.4f acc %.3f diff mse %.4f vb %.4f |g| %.2f lr %.2e %.0fs",
          step,
          steps,
          losses.tokens(),
          losses.tokenAccuracy(),
          losses.diffusionMse(),
          losses.diffusionVb(),
          losses.gradNorm(),
          lr,
          seconds);
    }
  }

  /** How a run ended: steps done (in total, across resumes) and seconds spent in this call. */
  public record Outcome(int steps, double seconds) {}

  private TransformerTraining() {}

  /**
   * Trains (or continues training) into {@code outDir} over the tokenizer of {@code tokenizerDir}
   * until {@code settings.steps()} steps are done or {@code budget} has passed in this call.
   */
  public static Outcome train(
      Settings settings,
      Path tokenizerDir,
      Path outDir,
      Duration budget,
      Consumer<Progress> progress)
      throws IOException {
    Files.createDirectories(outDir);
    try (TransformerTrainer trainer = open(settings, tokenizerDir, outDir)) {
      double seconds =
          TrainingLoop.run(
              new TrainingLoop.Trainer<TransformerTrainer.Losses>() {
                @Override
                public int steps() {
                  return trainer.steps();
                }

                @Override
                public TransformerTrainer.Losses step(int step, float lr) {
                  return trainer.step(lr);
                }

                @Override
                public void save() throws IOException {
                  trainer.save(outDir);
                }
              },
              settings.steps(),
              settings.steps(),
              settings.learningRate(),
              settings.checkpointEvery(),
              budget,
              outDir.resolve(LOSS_CSV),
              CSV_HEADER,
              TransformerTraining::csvRow,
              (step, losses, lr, now) -> {
                progress.accept(new Progress(step, settings.steps(), losses, lr, now));
                return null;
              });
      return new Outcome(trainer.steps(), seconds);
    }
  }

  private static TransformerTrainer open(Settings settings, Path tokenizerDir, Path outDir)
      throws IOException {
    if (!TransformerTrainer.canResume(outDir)) {
      return TransformerTrainer.fromScratch(settings.model(), tokenizerDir);
    }
    TransformerTrainer trainer = TransformerTrainer.resume(outDir);
    if (!trainer.settings().equals(settings.model())) {
      trainer.close();
      throw new IllegalArgumentException(
          "checkpoint in " + outDir + " was trained with other settings: " + trainer.settings());
    }
    return trainer;
  }

  private static String csvRow(int step, TransformerTrainer.Losses l, float lr, double seconds) {
    return String.format(
        Locale.ROOT,
        "%d,%.6f,%.4f,%.6f,%.6f,%.4f,%.6g,%.1f",
        step,
        l.tokens(),
        l.tokenAccuracy(),
        l.diffusionMse(),
        l.diffusionVb(),
        l.gradNorm(),
        lr,
        seconds);
  }
}
