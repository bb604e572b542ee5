package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.vae.MultiScaleLatent;

/**
 * What teacher forcing feeds the transformer for a batch of images: the codebook indices of every
 * scale, the next-scale inputs that inference would compute from those indices, and the last
 * scale's residual that the diffusion head learns.
 *
 * @param indices_RN per image, the indices of all scales in order ({@code N = Σ p_s²})
 * @param inputs_RMCv the downsampled latents {@code area(f̂ → p_s)} of stages {@code 1..S-1} as
 *     tokens ({@code M = N - 1}), built by {@link MultiScaleLatent} as inference builds them
 * @param lastTokens_RnCv codebook rows of the last scale's indices ({@code n = P²})
 * @param residual_RnCv {@code f - f̂}: what the discrete tokens of all scales leave of the latent
 */
public record TokenPyramid(
    long[][] indices_RN, NDArray inputs_RMCv, NDArray lastTokens_RnCv, NDArray residual_RnCv) {

  /** Tokenizes images with a trained tokenizer (no gradient); the arrays live in {@code m}. */
  public static TokenPyramid of(ImageTokenizer tokenizer, List<RgbImage> images, NDManager m) {
    int[] patchNums = tokenizer.patchNums();
    int scales = patchNums.length;
    try (ImageTokenizer.Tokens tokens = tokenizer.encode(images, m);
        MultiScaleLatent latent =
            new MultiScaleLatent(tokenizer.vae(), patchNums, images.size(), m)) {
      NDList inputs = new NDList();
      for (int s = 0; s < scales - 1; s++) {
        NDArray next = latent.addStageIndices(s, tokens.indices_SBL().get(s));
        inputs.add(MultiScaleLatent.mapToTokens(next));
      }
      NDArray lastTokens = latent.lookup(tokens.indices_SBL().get(scales - 1));
      NDArray residual = MultiScaleLatent.mapToTokens(tokens.residual_BCPP()).duplicate();
      NDArray all = NDArrays.concat(new NDList(tokens.indices_SBL().toArray(NDArray[]::new)), 1);
      long[] flat = all.toLongArray();
      int perImage = flat.length / images.size();
      long[][] indices_RN = new long[images.size()][];
      for (int r = 0; r < indices_RN.length; r++) {
        indices_RN[r] = java.util.Arrays.copyOfRange(flat, r * perImage, (r + 1) * perImage);
      }
      return new TokenPyramid(indices_RN, NDArrays.concat(inputs, 1), lastTokens, residual);
    }
  }
}
