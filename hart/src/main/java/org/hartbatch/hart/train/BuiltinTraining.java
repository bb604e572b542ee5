package org.hartbatch.hart.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Trains the built-in model from scratch: the tokenizer into {@code OUT/tokenizer-training}, then
 * the transformer, its diffusion head and the text encoder over it into {@code OUT}, which ends up
 * a HART checkpoint directory ({@code llm/}, {@code tokenizer/}, {@code text_encoder/}) that {@code
 * HartPipeline.open} loads. Both phases resume from their checkpoints when run again.
 */
public final class BuiltinTraining {
  /** Where the tokenizer phase writes its run inside the output directory. */
  public static final String TOKENIZER_RUN = "tokenizer-training";

  private BuiltinTraining() {}

  /**
   * @param tokenizerDir a trained tokenizer to use instead of training one, or null
   */
  public static void run(
      TokenizerTraining.Settings tokenizer,
      TransformerTraining.Settings transformer,
      Path out,
      Path tokenizerDir,
      Duration tokenizerBudget,
      Duration transformerBudget,
      int reportEvery,
      PrintWriter log)
      throws IOException {
    Path tokens = tokenizerDir;
    if (tokens == null) {
      tokens = out.resolve(TOKENIZER_RUN);
      TokenizerTraining.Outcome outcome =
          TokenizerTraining.train(
              tokenizer,
              tokens,
              tokenizerBudget,
              p -> {
                if (p.step() % reportEvery == 0 || p.step() == p.steps()) {
                  log.printf(
                      Locale.ROOT,
                      "tokenizer step %d/%d recon %.4f vq %.4f lr %.2e %.0fs%n",
                      p.step(),
                      p.steps(),
                      p.losses().reconstruction(),
                      p.losses().quantization(),
                      p.lr(),
                      p.seconds());
                  log.flush();
                }
              });
      log.printf(
          Locale.ROOT,
          "tokenizer done: %d steps, %.0f s in this run%n",
          outcome.steps(),
          outcome.seconds());
    }
    TransformerTraining.Outcome outcome =
        TransformerTraining.train(
            transformer,
            tokens,
            out,
            transformerBudget,
            p -> {
              if (p.step() % reportEvery == 0 || p.step() == p.steps()) {
                log.printf(
                    Locale.ROOT,
                    "transformer step %d/%d ce %.4f acc %.3f diff mse %.4f vb %.4f |g| %.2f lr"
                        + " %.2e %.0fs%n",
                    p.step(),
                    p.steps(),
                    p.losses().tokens(),
                    p.losses().tokenAccuracy(),
                    p.losses().diffusionMse(),
                    p.losses().diffusionVb(),
                    p.losses().gradNorm(),
                    p.lr(),
                    p.seconds());
                log.flush();
              }
            });
    log.printf(
        Locale.ROOT,
        "transformer done: %d steps, %.0f s in this run; model in %s%n",
        outcome.steps(),
        outcome.seconds(),
        out);
    log.flush();
  }
}
