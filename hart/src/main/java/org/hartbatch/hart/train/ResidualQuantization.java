package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.runtime.Ops;
import org.hartbatch.hart.vae.HybridQuantizer;
import org.hartbatch.hart.vae.MultiScaleLatent;
import org.hartbatch.hart.vae.Phi;

/**
 * The training pass of the hybrid tokenizer's multi-scale residual quantization, the inverse of
 * what {@link MultiScaleLatent} builds at inference: scale by scale, the residual of the latent is
 * area-downsampled, each cell takes its nearest codebook row, and the rows are upsampled (bicubic)
 * and mixed by the stage's φ before being added to {@code f̂} and taken off the residual. The last
 * scale, at full latent size, adds its rows without resizing or φ, exactly as inference adds it.
 *
 * <p>Losses as in VAR: per scale {@code β·mse(sg(f̂), f) + mse(f̂, sg(f))}, averaged over scales;
 * the decoder gets {@code f + sg(f̂ − f)} (straight-through estimator), so reconstruction gradients
 * reach the encoder.
 */
public final class ResidualQuantization {
  private ResidualQuantization() {}

  /**
   * @param fHatStraightThrough {@code [B, Cv, P, P]}, the discrete latent with the encoder's
   *     gradient
   * @param vqLoss scalar commitment + codebook loss
   * @param indices_SBL per scale, the chosen codebook rows {@code [B][p²]}
   * @param inputs_NC the vectors that were quantized, all scales, without gradient: candidates for
   *     restarting unused codebook rows
   * @param fHat_BCPP the discrete latent (sum of all scales' contributions), without gradient
   */
  public record Result(
      NDArray fHatStraightThrough,
      NDArray vqLoss,
      long[][][] indices_SBL,
      NDArray inputs_NC,
      NDArray fHat_BCPP) {}

  /** Quantizes {@code f} over {@code patchNums} (last = latent side); results in f's manager. */
  public static Result quantize(
      HybridQuantizer quantizer, NDArray f_BCPP, int[] patchNums, float beta) {
    NDManager m = f_BCPP.getManager();
    int scales = patchNums.length;
    int side = patchNums[scales - 1];
    if (f_BCPP.getShape().get(3) != side) {
      throw new IllegalArgumentException(
          "latent side " + f_BCPP.getShape().get(3) + " differs from the last scale " + side);
    }
    NDArray target = f_BCPP.stopGradient();
    NDArray rest = target.duplicate();
    NDArray fHat = m.zeros(f_BCPP.getShape(), f_BCPP.getDataType());
    NDArray loss = m.zeros(new Shape(), f_BCPP.getDataType());
    long[][][] indices = new long[scales][][];
    NDList inputs = new NDList(scales);
    for (int s = 0; s < scales; s++) {
      boolean last = s == scales - 1;
      NDArray scaled = last ? rest : quantizer.downsample(rest, patchNums[s]);
      NDArray tokens_BLC = MultiScaleLatent.mapToTokens(scaled);
      inputs.add(tokens_BLC.reshape(-1, tokens_BLC.getShape().get(2)));
      NDArray idx_BL = nearest(quantizer, tokens_BLC);
      tokens_BLC.close();
      if (!last) {
        scaled.close();
      }
      indices[s] = toRows(idx_BL);
      NDArray contribution;
      try (NDArray rows_BLC = quantizer.lookup(idx_BL);
          NDArray h = MultiScaleLatent.tokensToMap(rows_BLC)) {
        contribution = last ? h.duplicate() : mixed(quantizer, h, s, scales, side);
      }
      idx_BL.close();
      fHat = replace(fHat, fHat.add(contribution));
      try (NDArray detached = contribution.stopGradient()) {
        rest = replace(rest, rest.sub(detached));
      }
      contribution.close();
      try (NDArray fHatDetached = fHat.stopGradient();
          NDArray commitment = mse(fHatDetached, f_BCPP);
          NDArray codebook = mse(fHat, target);
          NDArray weighted = Ops.scaled(commitment, beta);
          NDArray both = weighted.add(codebook)) {
        loss = replace(loss, loss.add(both));
      }
    }
    rest.close();
    NDArray vqLoss = Ops.scaled(loss, 1f / scales);
    loss.close();
    NDArray straightThrough;
    NDArray fHatDetached = fHat.stopGradient();
    try (NDArray difference = fHatDetached.sub(target)) {
      straightThrough = f_BCPP.add(difference);
    }
    fHat.close();
    target.close();
    NDArray allInputs = NDArrays.concat(inputs);
    inputs.close();
    return new Result(straightThrough, vqLoss, indices, allInputs, fHatDetached);
  }

  static NDArray mse(NDArray a, NDArray b) {
    try (NDArray d = a.sub(b);
        NDArray sq = d.square()) {
      return sq.mean();
    }
  }

  private static NDArray mixed(
      HybridQuantizer quantizer, NDArray h, int stage, int scales, int side) {
    NDArray up = quantizer.upsample(h, side);
    Phi phi = quantizer.phi(stage, scales);
    if (phi == null) {
      return up;
    }
    try (up) {
      return phi.apply(up);
    }
  }

  /** Nearest codebook row of every token: {@code [B, L, C]} → {@code [B, L]} (no gradient). */
  private static NDArray nearest(HybridQuantizer quantizer, NDArray tokens_BLC) {
    try (NDArray t = tokens_BLC.stopGradient();
        NDArray codebook = quantizer.codebook().stopGradient();
        NDArray codebookT = codebook.transpose();
        NDArray dots = t.matMul(codebookT);
        NDArray squares = codebook.square();
        NDArray norms = squares.sum(new int[] {1});
        NDArray twice = dots.mul(2);
        NDArray distances = norms.sub(twice)) {
      NDArray idx = distances.argMin(2);
      idx.attach(tokens_BLC.getManager());
      return idx;
    }
  }

  private static long[][] toRows(NDArray idx_BL) {
    int batch = (int) idx_BL.getShape().get(0);
    int length = (int) idx_BL.getShape().get(1);
    long[] flat = idx_BL.toLongArray();
    long[][] rows = new long[batch][length];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(flat, b * length, rows[b], 0, length);
    }
    return rows;
  }

  private static NDArray replace(NDArray old, NDArray next) {
    old.close();
    return next;
  }
}
