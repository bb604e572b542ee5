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
import java.util.Locale;
import java.util.function.Consumer;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.shapes.SceneSampler;
import org.hartbatch.hart.vae.VaeConfig;

/**
 * A whole tokenizer training run on the shapes data set: batches are scenes {@code [t·B, (t+1)·B)}
 * of the data seed at step {@code t}, even steps decode the continuous latent and odd steps the
 * discrete one, the learning rate follows {@link LearningRate}, and the run stops after {@code
 * steps} or when the time budget is spent. Every {@code checkpointEvery} steps and at the end it
 * saves a resumable checkpoint into the output directory; a run started on a directory that holds
 * one continues from it. Each step appends a row to {@code tokenizer-loss.csv}.
 */
public final class TokenizerTraining {
  static final String LOSS_CSV = "tokenizer-loss.csv";
  private static final String CSV_HEADER =
      "step,path,reconstruction,quantization,grad_norm,lr,used_codes,restarted,seconds";

  /**
   * @param vae the tokenizer's architecture
   * @param imageSize side of the training images
   * @param maxShapes 1 or 2 shapes per scene
   * @param dataSeed seed of the scene sampler
   * @param initSeed seed of the initial weights and the code restarts
   * @param batch images per step
   * @param steps planned steps (the cosine schedule ends there)
   * @param learningRate the schedule
   * @param options loss weights, restarts, clipping
   * @param checkpointEvery steps between checkpoints
   */
  public record Settings(
      VaeConfig vae,
      int imageSize,
      int maxShapes,
      long dataSeed,
      long initSeed,
      int batch,
      int steps,
      LearningRate learningRate,
      TokenizerTrainer.Options options,
      int checkpointEvery) {
    public Settings {
      if (imageSize != vae.vPatchNums()[vae.vPatchNums().length - 1] * vae.downsampling()) {
        throw new IllegalArgumentException(
            "image size "
                + imageSize
                + " does not match the last patch side "
                + vae.vPatchNums()[vae.vPatchNums().length - 1]
                + " times the downsampling "
                + vae.downsampling());
      }
      if (batch <= 0 || steps <= 0 || checkpointEvery <= 0) {
        throw new IllegalArgumentException(
            "batch, steps and checkpointEvery must be positive, got "
                + batch
                + ", "
                + steps
                + ", "
                + checkpointEvery);
      }
    }

    /**
     * The built-in model's tokenizer: 32×32 scenes, latent 8×8 (two ×½ levels), scales 1,2,3,4,6,8,
     * 512 codes of 16 channels, 32 base channels; about 12 minutes on two cores.
     */
    public static Settings shapes32() {
      VaeConfig vae =
          new VaeConfig(
              512, 16, 32, new int[] {1, 1, 2}, 0.5, 4, 0, 3, new int[] {1, 2, 3, 4, 6, 8});
      return new Settings(
          vae,
          32,
          2,
          1,
          7,
          16,
          1500,
          new LearningRate(2e-3f, 50, 0.05f),
          TokenizerTrainer.Options.defaults(),
          100);
    }

    /** These settings with another step count. */
    public Settings withSteps(int steps) {
      return new Settings(
          vae,
          imageSize,
          maxShapes,
          dataSeed,
          initSeed,
          batch,
          steps,
          learningRate,
          options,
          checkpointEvery);
    }
  }

  /** Reported after every step. */
  public record Progress(
      int step, int steps, TokenizerTrainer.Losses losses, float lr, double seconds) {}

  /** How a run ended: steps done (in total, across resumes) and seconds spent in this call. */
  public record Outcome(int steps, double seconds) {}

  private TokenizerTraining() {}

  /**
   * Trains (or continues training) into {@code outDir} until {@code settings.steps()} steps are
   * done or {@code budget} has passed in this call.
   */
  public static Outcome train(
      Settings settings, Path outDir, Duration budget, Consumer<Progress> progress)
      throws IOException {
    return train(settings, outDir, budget, settings.steps(), progress);
  }

  /**
   * {@link #train(Settings, Path, Duration, Consumer)} that also stops after step {@code lastStep},
   * leaving a checkpoint that a later call continues on the same schedule.
   */
  public static Outcome train(
      Settings settings, Path outDir, Duration budget, int lastStep, Consumer<Progress> progress)
      throws IOException {
    Files.createDirectories(outDir);
    long start = System.nanoTime();
    try (TokenizerTrainer trainer = open(settings, outDir)) {
      SceneSampler sampler = new SceneSampler(settings.dataSeed(), settings.maxShapes());
      Path csv = outDir.resolve(LOSS_CSV);
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
          out.write(CSV_HEADER);
          out.newLine();
        }
        while (trainer.steps() < Math.min(lastStep, settings.steps())) {
          double seconds = (System.nanoTime() - start) / 1e9;
          if (seconds >= budget.toMillis() / 1000.0) {
            break;
          }
          int step = trainer.steps() + 1;
          double progressFraction =
              Math.max((double) step / settings.steps(), seconds / (budget.toMillis() / 1000.0));
          float lr = settings.learningRate().at(step, progressFraction);
          List<RgbImage> images = batch(sampler, step - 1, settings);
          TokenizerTrainer.Losses losses = trainer.step(images, step % 2 == 0, lr);
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

  private static TokenizerTrainer open(Settings settings, Path outDir) throws IOException {
    if (!TokenizerTrainer.canResume(outDir)) {
      return TokenizerTrainer.fromScratch(settings.vae(), settings.options(), settings.initSeed());
    }
    String saved =
        TokenizerTrainer.configJson(VaeConfig.from(ConfigFile.read(outDir.resolve("config.json"))));
    if (!saved.equals(TokenizerTrainer.configJson(settings.vae()))) {
      throw new IllegalArgumentException(
          "checkpoint in " + outDir + " has another tokenizer configuration: " + saved);
    }
    return TokenizerTrainer.resume(outDir, settings.options(), settings.initSeed());
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

  /** The images of step {@code t} (0-based). */
  static List<RgbImage> batch(SceneSampler sampler, int t, Settings settings) {
    List<RgbImage> images = new ArrayList<>(settings.batch());
    for (long i = (long) t * settings.batch(); i < (long) (t + 1) * settings.batch(); i++) {
      images.add(sampler.scene(i).render(settings.imageSize()));
    }
    return images;
  }

  /** Held-out scenes (another seed than the training data) for measuring reconstructions. */
  public static List<Scene> heldOut(Settings settings, int count) {
    SceneSampler sampler = new SceneSampler(~settings.dataSeed(), settings.maxShapes());
    List<Scene> scenes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      scenes.add(sampler.scene(i));
    }
    return scenes;
  }

  private static String csvRow(int step, TokenizerTrainer.Losses l, float lr, double seconds) {
    return String.format(
        Locale.ROOT,
        "%d,%s,%.6f,%.6f,%.4f,%.6g,%d,%d,%.1f",
        step,
        l.discrete() ? "discrete" : "continuous",
        l.reconstruction(),
        l.quantization(),
        l.gradNorm(),
        lr,
        l.usedCodes(),
        l.restarted(),
        seconds);
  }
}
