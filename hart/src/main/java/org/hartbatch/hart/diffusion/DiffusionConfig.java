package org.hartbatch.hart.diffusion;

import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;

/**
 * Sizes of the residual-diffusion head.
 *
 * @param tokenChannels {@code Cv}, channels of a latent token (the VAE's {@code z_channels})
 * @param conditionChannels {@code C}, the transformer's {@code embed_dim}
 * @param width {@code W} ({@code diff_width})
 * @param depth number of res-blocks ({@code diff_depth})
 * @param samplingSteps respacing spec ({@code num_sampling_steps}, e.g. {@code "8"})
 */
public record DiffusionConfig(
    int tokenChannels, int conditionChannels, int width, int depth, String samplingSteps) {

  /** Reads the head's fields from the transformer's {@code config.json}. */
  public static DiffusionConfig from(ConfigFile transformer, int tokenChannels) {
    String sampler = transformer.optText("sampler", "iddpm");
    if (!sampler.equals("iddpm")) {
      throw new CheckpointException(
          "transformer config: field 'sampler' is '" + sampler + "' but only 'iddpm' exists");
    }
    return new DiffusionConfig(
        tokenChannels,
        transformer.requireInt("embed_dim"),
        transformer.requireInt("diff_width"),
        transformer.requireInt("diff_depth"),
        transformer.optText("num_sampling_steps", "8"));
  }
}
