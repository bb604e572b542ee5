package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.MultiScaleLatent;
import org.hartbatch.hart.vae.VaeEncoder;

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

  /**
   * Tokenizes images {@code [R, 3, H, W]} in [-1, 1] with a trained tokenizer (no gradient); the
   * arrays belong to the images' manager.
   */
  public static TokenPyramid of(
      VaeEncoder encoder, HartVae vae, int[] patchNums, NDArray images_R3HW) {
    NDManager manager = images_R3HW.getManager();
    int rows = Math.toIntExact(images_R3HW.getShape().get(0));
    int scales = patchNums.length;
    try (NDScope scope = new NDScope()) {
      NDArray f = encoder.encode(images_R3HW).stopGradient();
      long[][][] indices_SRL =
          ResidualQuantization.quantize(vae.quantizer(), f, patchNums, 0f).indices_SBL();
      NDList inputs = new NDList();
      NDArray lastTokens;
      NDArray residual;
      try (MultiScaleLatent latent = new MultiScaleLatent(vae, patchNums, rows, manager)) {
        for (int s = 0; s < scales - 1; s++) {
          NDArray next = latent.addStageIndices(s, indexArray(manager, indices_SRL[s]));
          inputs.add(MultiScaleLatent.mapToTokens(next));
        }
        lastTokens = latent.lookup(indexArray(manager, indices_SRL[scales - 1]));
        latent.addLastStage(lastTokens);
        residual = MultiScaleLatent.mapToTokens(f.sub(latent.fHat()));
      }
      NDArray inputs_RMCv = NDArrays.concat(inputs, 1);
      long[][] indices_RN = new long[rows][];
      for (int r = 0; r < rows; r++) {
        int total = 0;
        for (int s = 0; s < scales; s++) {
          total += indices_SRL[s][r].length;
        }
        indices_RN[r] = new long[total];
        int at = 0;
        for (int s = 0; s < scales; s++) {
          System.arraycopy(indices_SRL[s][r], 0, indices_RN[r], at, indices_SRL[s][r].length);
          at += indices_SRL[s][r].length;
        }
      }
      NDScope.unregister(inputs_RMCv, lastTokens, residual);
      return new TokenPyramid(indices_RN, inputs_RMCv, lastTokens, residual);
    }
  }

  private static NDArray indexArray(NDManager manager, long[][] rows_RL) {
    long[] flat = new long[rows_RL.length * rows_RL[0].length];
    for (int r = 0; r < rows_RL.length; r++) {
      System.arraycopy(rows_RL[r], 0, flat, r * rows_RL[0].length, rows_RL[0].length);
    }
    return manager.create(flat, new Shape(rows_RL.length, rows_RL[0].length));
  }
}
