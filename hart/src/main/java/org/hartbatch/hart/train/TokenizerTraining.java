package org.hartbatch.hart.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * 512 codes of 16 channels, 32 base channels, shapes and outlines weighted twice in the
     * reconstruction loss; 15 minutes on two cores in the built-in run.
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
          TokenizerTrainer.Options.defaults().withForegroundWeight(1f),
          100);
    }

    /** These settings with other trainer options. */
    public Settings withOptions(TokenizerTrainer.Options options) {
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
      int step, int steps, TokenizerTrainer.Losses losses, float lr, double seconds)
      implements StepProgress {
    @Override
    public String line() {
      return String.format(
          Locale.ROOT,
          "step %d/%d %s recon %.4f vq %.4f |g| %.2f lr %.2e codes %d restarted %d %.0fs",
          step,
          steps,
          losses.discrete() ? "discrete  " : "continuous",
          losses.reconstruction(),
          losses.quantization(),
          losses.gradNorm(),
          lr,
          losses.usedCodes(),
          losses.restarted(),
          seconds);
    }
  }

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
    try (TokenizerTrainer trainer = open(settings, outDir)) {
      SceneSampler sampler = new SceneSampler(settings.dataSeed(), settings.maxShapes());
      double seconds =
          TrainingLoop.run(
              new TrainingLoop.Trainer<TokenizerTrainer.Losses>() {
                @Override
                public int steps() {
                  return trainer.steps();
                }

                @Override
                public TokenizerTrainer.Losses step(int step, float lr) {
                  return trainer.step(batch(sampler, step - 1, settings), step % 2 == 0, lr);
                }

                @Override
                public void save() throws IOException {
                  trainer.save(outDir);
                }
              },
              settings.steps(),
              lastStep,
              settings.learningRate(),
              settings.checkpointEvery(),
              budget,
              outDir.resolve(LOSS_CSV),
              CSV_HEADER,
              TokenizerTraining::csvRow,
              (step, losses, lr, now) -> {
                progress.accept(new Progress(step, settings.steps(), losses, lr, now));
                return null;
              });
      return new Outcome(trainer.steps(), seconds);
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
