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
              tokenizer, tokens, tokenizerBudget, p -> report(log, "tokenizer", p, reportEvery));
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
            p -> report(log, "transformer", p, reportEvery));
    log.printf(
        Locale.ROOT,
        "transformer done: %d steps, %.0f s in this run; model in %s%n",
        outcome.steps(),
        outcome.seconds(),
        out);
    log.flush();
  }

  private static void report(PrintWriter log, String stage, StepProgress p, int every) {
    if (p.due(every)) {
      log.println(stage + " " + p.line());
      log.flush();
    }
  }
}
