package org.hartbatch.hart.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop the training runs share: steps until the planned count (or an earlier last step) or
 * until this call's time budget is spent, each at the learning rate of the run's progress (steps
 * done over steps planned, or time spent over the budget, whichever is further), one CSV row per
 * step, a checkpoint every {@code checkpointEvery} steps and at the end. A resumed run first drops
 * the rows of steps after its checkpoint, so the curve has each step once.
 */
final class TrainingLoop {
  /** A trainer as the loop drives it; {@code L} is what one step reports. */
  interface Trainer<L> {
    /** Steps done so far (across resumes). */
    int steps();

    /** Trains step {@code step} (1-based) at learning rate {@code lr}. */
    L step(int step, float lr) throws IOException;

    /** Saves a checkpoint that a later run resumes from. */
    void save() throws IOException;
  }

  /** Receives each step: the CSV row's text, or the progress report. */
  interface StepView<L, R> {
    R of(int step, L losses, float lr, double seconds);
  }

  private TrainingLoop() {}

  /**
   * Runs the loop; returns the seconds this call took.
   *
   * @param csv the loss curve, created with {@code header} or continued
   */
  static <L> double run(
      Trainer<L> trainer,
      int plannedSteps,
      int lastStep,
      LearningRate rate,
      int checkpointEvery,
      Duration budget,
      Path csv,
      String header,
      StepView<L, String> row,
      StepView<L, Void> progress)
      throws IOException {
    long start = System.nanoTime();
    double budgetSeconds = budget.toMillis() / 1000.0;
    boolean fresh = !Files.exists(csv) || trainer.steps() == 0;
    if (!fresh) {
      keepRowsUpTo(csv, trainer.steps());
    }
    try (BufferedWriter out =
        Files.newBufferedWriter(
            csv,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
      if (fresh) {
        out.write(header);
        out.newLine();
      }
      while (trainer.steps() < Math.min(lastStep, plannedSteps)) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seconds >= budgetSeconds) {
          break;
        }
        int step = trainer.steps() + 1;
        double fraction = Math.max((double) step / plannedSteps, seconds / budgetSeconds);
        float lr = rate.at(step, fraction);
        L losses = trainer.step(step, lr);
        double now = (System.nanoTime() - start) / 1e9;
        out.write(row.of(step, losses, lr, now));
        out.newLine();
        if (step % checkpointEvery == 0) {
          out.flush();
          trainer.save();
        }
        progress.of(step, losses, lr, now);
      }
      out.flush();
      trainer.save();
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Drops the rows of steps after the checkpoint (a run that stopped between two of them). */
  private static void keepRowsUpTo(Path csv, int step) throws IOException {
    List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> kept = new ArrayList<>();
    for (String row : rows) {
      int comma = row.indexOf(',');
      if (kept.isEmpty() || Integer.parseInt(row.substring(0, comma)) <= step) {
        kept.add(row);
      }
    }
    Files.write(csv, kept, StandardCharsets.UTF_8);
  }
}
