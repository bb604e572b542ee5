package org.hartbatch.hart.bench;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.train.ImageTokenizer;
import org.hartbatch.hart.train.ReconstructionQuality;
import org.hartbatch.hart.train.TokenizerTraining;

/**
 * How well trained tokenizers reproduce the same held-out scenes (those of {@link
 * TokenizerTraining#heldOut} for the built-in settings), judged by {@code ContentCheck}, separately
 * for one- and two-shape scenes and for the discrete and the continuous latent.
 *
 * <p>Args: {@code SCENES TOKENIZER_DIR...}, e.g. {@code 200
 * hart/src/main/resources/org/hartbatch/hart/builtin/shapes/tokenizer}.
 */
public final class TokenizerRoundTrip {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    TokenizerTraining.Settings settings = TokenizerTraining.Settings.shapes32();
    List<Scene> scenes = TokenizerTraining.heldOut(settings, count);
    List<Scene> single = scenes.stream().filter(s -> s.shapes().size() == 1).toList();
    List<Scene> two = scenes.stream().filter(s -> s.shapes().size() == 2).toList();
    System.out.println(
        "| tokenizer | scenes | discrete: colour, cell, bg | discrete: kinds | discrete: pixels"
            + " | continuous: colour, cell, bg | continuous: kinds | continuous: pixels |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int i = 1; i < args.length; i++) {
      try (NDManager manager = NDManager.newBaseManager()) {
        ImageTokenizer tokenizer = ImageTokenizer.open(Path.of(args[i]), manager);
        row(args[i], "one shape", ReconstructionQuality.measure(tokenizer, single, 32));
        row(args[i], "two shapes", ReconstructionQuality.measure(tokenizer, two, 32));
      }
    }
  }

  private static void row(String dir, String which, ReconstructionQuality.Both q) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %d, %s | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f |%n",
        dir,
        q.discrete().scenes(),
        which,
        q.discrete().colourCellAndBackground(),
        q.discrete().kinds(),
        q.discrete().pixels(),
        q.continuous().colourCellAndBackground(),
        q.continuous().kinds(),
        q.continuous().pixels());
  }
}
