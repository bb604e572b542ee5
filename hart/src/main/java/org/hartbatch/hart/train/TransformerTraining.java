package org.hartbatch.hart.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  }

  /** Reported after every step. */
  public record Progress(
      int step, int steps, TransformerTrainer.Losses losses, float lr, double seconds) {}

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
    long start = System.nanoTime();
    double budgetSeconds = budget.toMillis() / 1000.0;
    try (TransformerTrainer trainer = open(settings, tokenizerDir, outDir)) {
      Path csv = outDir.resolve(LOSS_CSV);
      boolean fresh = !Files.exists(csv) || trainer.steps() == 0;
      try (BufferedWriter out =
          Files.newBufferedWriter(
              csv,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
        if (fresh) {
          out.write(CSV_HEADER);
          out.newLine();
        }
        while (trainer.steps() < settings.steps()) {
          double seconds = (System.nanoTime() - start) / 1e9;
          if (seconds >= budgetSeconds) {
            break;
          }
          int step = trainer.steps() + 1;
          double fraction = Math.max((double) step / settings.steps(), seconds / budgetSeconds);
          float lr = settings.learningRate().at(step, fraction);
          TransformerTrainer.Losses losses = trainer.step(lr);
          double now = (System.nanoTime() - start) / 1e9;
          out.write(csvRow(step, losses, lr, now));
          out.newLine();
          if (step % settings.checkpointEvery() == 0) {
            out.flush();
            trainer.save(outDir);
          }
          progress.accept(new Progress(step, settings.steps(), losses, lr, now));
        }
        out.flush();
        trainer.save(outDir);
        return new Outcome(trainer.steps(), (System.nanoTime() - start) / 1e9);
      }
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
