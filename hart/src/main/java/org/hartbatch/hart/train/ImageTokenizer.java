package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.MultiScaleLatent;
import org.hartbatch.hart.vae.VaeConfig;
import org.hartbatch.hart.vae.VaeEncoder;

/**
 * A trained hybrid tokenizer as the transformer's training sees it: images in, the token pyramid
 * (one codebook index per cell of every scale of {@code v_patch_nums}) and the continuous latent
 * split into its discrete part and the residual the diffusion head learns.
 */
public final class ImageTokenizer {
  private final VaeEncoder encoder;
  private final HartVae vae;

  /**
   * The encoding of a batch, in the manager passed to {@link #encode}.
   *
   * @param indices_SBL per scale {@code s}, the codebook rows {@code [B, p_s²]} (int64, row-major
   *     cells): the transformer's targets; {@link MultiScaleLatent#addStageIndices} rebuilds its
   *     stage inputs from them
   * @param fHat_BCPP the discrete latent {@code [B, Cv, P, P]} after all scales, last scale
   *     included: what the stages' tokens add up to
   * @param residual_BCPP {@code f − f̂}, {@code [B, Cv, P, P]}: the residual diffusion's target on
   *     the last scale (cell {@code i·P + j} is token {@code i·P + j} of the last scale)
   */
  public record Tokens(List<NDArray> indices_SBL, NDArray fHat_BCPP, NDArray residual_BCPP)
      implements AutoCloseable {
    @Override
    public void close() {
      indices_SBL.forEach(NDArray::close);
      fHat_BCPP.close();
      residual_BCPP.close();
    }
  }

  public ImageTokenizer(VaeEncoder encoder, HartVae vae) {
    this.encoder = encoder;
    this.vae = vae;
  }

  /** Loads a tokenizer directory ({@code config.json} + {@code model.safetensors}) into float32. */
  public static ImageTokenizer open(Path dir, NDManager manager) throws IOException {
    VaeConfig config = VaeConfig.from(ConfigFile.read(dir.resolve("config.json")));
    try (WeightSource weights = WeightSources.open(dir.resolve(TokenizerTrainer.WEIGHTS))) {
      return new ImageTokenizer(
          VaeEncoder.load(weights, config, manager, DataType.FLOAT32),
          HartVae.load(weights, config, manager, DataType.FLOAT32));
    }
  }

  public HartVae vae() {
    return vae;
  }

  /** The scale sides {@code p_0..p_{S−1}} of the pyramid ({@code v_patch_nums}). */
  public int[] patchNums() {
    return vae.config().vPatchNums().clone();
  }

  /** Encodes same-sized square images; the results live in {@code manager}. */
  public Tokens encode(List<RgbImage> images, NDManager manager) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray img = TokenizerTrainer.batch(images, scratch);
      NDArray f = encoder.encode(img);
      ResidualQuantization.Result q =
          ResidualQuantization.quantize(vae.quantizer(), f, vae.config().vPatchNums(), 0f);
      List<NDArray> indices = new ArrayList<>();
      for (long[][] scale : q.indices_SBL()) {
        indices.add(manager.create(scale));
      }
      NDArray fHat = q.fHat_BCPP().duplicate();
      NDArray residual = f.sub(q.fHat_BCPP());
      fHat.attach(manager);
      residual.attach(manager);
      return new Tokens(indices, fHat, residual);
    }
  }

  /** Images in [0, 1], {@code [B, 3, H, W]}, decoded from a latent by the inference path. */
  public NDArray decode(NDArray latent_BCPP) {
    return vae.decodeToUnitRange(latent_BCPP);
  }
}
