package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The latent {@code f̂} a generation builds scale by scale ({@code get_next_autoregressive_input}
 * and the final hybrid step of the reference).
 *
 * <p>For stages {@code 0..S−2}: {@code f̂ += φ_k(s)(bicubic(h_s → P×P))} and the next stage's input
 * is {@code area(f̂ → p_{s+1})}. The last stage adds its tokens (discrete embedding plus the
 * diffusion residual) directly, without φ or resizing. Token {@code i·p + j} is cell {@code (i,
 * j)}.
 */
public final class MultiScaleLatent implements AutoCloseable {
  private final HartVae vae;
  private final int[] patchNums;
  private final NDArray fHat_BCPP;
  private int nextStage;

  /**
   * @param patchNums the transformer's scale sides {@code p_0..p_{S−1}}
   */
  public MultiScaleLatent(HartVae vae, int[] patchNums, int batch, NDManager manager) {
    this.vae = vae;
    this.patchNums = patchNums.clone();
    int side = patchNums[patchNums.length - 1];
    this.fHat_BCPP =
        manager.zeros(new Shape(batch, vae.config().zChannels(), side, side), vae.computeType());
  }

  public int scales() {
    return patchNums.length;
  }

  /** Codebook rows for {@code idx_BL}: {@code [B, L, Cv]}. */
  public NDArray lookup(NDArray idx_BL) {
    return vae.quantizer().lookup(idx_BL);
  }

  /** {@code [B, p², Cv]} tokens as the map {@code [B, Cv, p, p]}. */
  public static NDArray tokensToMap(NDArray tokens_BLC) {
    Shape s = tokens_BLC.getShape();
    int p = (int) Math.round(Math.sqrt(s.get(1)));
    if ((long) p * p != s.get(1)) {
      throw new IllegalArgumentException("token count " + s.get(1) + " is not a square");
    }
    try (NDArray t = tokens_BLC.transpose(0, 2, 1)) {
      return t.reshape(s.get(0), s.get(2), p, p);
    }
  }

  /** {@code [B, Cv, p, p]} as row-major tokens {@code [B, p², Cv]}. */
  public static NDArray mapToTokens(NDArray map_BCpp) {
    Shape s = map_BCpp.getShape();
    try (NDArray flat = map_BCpp.reshape(s.get(0), s.get(1), s.get(2) * s.get(3))) {
      return flat.transpose(0, 2, 1);
    }
  }

  /** φ(bicubic(h)) of stage {@code stage}: the contribution it adds to {@code f̂}. */
  public NDArray contribution(int stage, NDArray h_BCpp) {
    int side = patchNums[patchNums.length - 1];
    NDArray up = vae.quantizer().upsample(h_BCpp, side);
    Phi phi = vae.quantizer().phi(stage, patchNums.length);
    if (phi == null) {
      return up;
    }
    try (up) {
      return phi.apply(up);
    }
  }

  /**
   * Adds the tokens {@code [B, p_s², Cv]} (hard codebook rows or soft embeddings) of stage {@code s
   * < S−1} and returns the next stage's input {@code [B, Cv, p_{s+1}, p_{s+1}]}.
   */
  public NDArray addStage(int stage, NDArray tokens_BLC) {
    expectStage(stage);
    if (stage >= patchNums.length - 1) {
      throw new IllegalStateException("stage " + stage + " is the last one: use addLastStage");
    }
    try (NDArray h = tokensToMap(tokens_BLC);
        NDArray added = contribution(stage, h)) {
      fHat_BCPP.addi(added);
    }
    nextStage++;
    return vae.quantizer().downsample(fHat_BCPP, patchNums[stage + 1]);
  }

  /** {@link #addStage} for the codebook rows of {@code idx_BL}. */
  public NDArray addStageIndices(int stage, NDArray idx_BL) {
    try (NDArray tokens = lookup(idx_BL)) {
      return addStage(stage, tokens);
    }
  }

  /** Adds the last stage's tokens {@code [B, P², Cv]} (embedding plus residual) as they are. */
  public void addLastStage(NDArray tokens_BLC) {
    expectStage(patchNums.length - 1);
    try (NDArray map = tokensToMap(tokens_BLC)) {
      fHat_BCPP.addi(map);
    }
    nextStage++;
  }

  private void expectStage(int stage) {
    if (stage != nextStage) {
      throw new IllegalStateException(
          "stage " + stage + " added but stage " + nextStage + " is next");
    }
  }

  /** The accumulated latent {@code [B, Cv, P, P]} (owned by this object). */
  public NDArray fHat() {
    return fHat_BCPP;
  }

  /** Images {@code [B, 3, H, W]} in [0, 1] from the accumulated latent. */
  public NDArray decode() {
    return vae.decodeToUnitRange(fHat_BCPP);
  }

  @Override
  public void close() {
    fHat_BCPP.close();
  }
}
