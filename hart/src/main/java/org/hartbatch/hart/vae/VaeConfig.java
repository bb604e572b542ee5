package org.hartbatch.hart.vae;

import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.ConfigFile;

/**
 * The inference-relevant fields of the tokenizer's {@code config.json} ({@code
 * HARTAutoEncoderConfig}).
 *
 * @param vocabSize {@code V}, codebook rows
 * @param zChannels {@code Cv}, latent channels
 * @param ch base channel count of the decoder
 * @param chMult channel multiplier per resolution level
 * @param quantResi φ mixing ratio ρ (its absolute value is used; ≤ 1e-6 means φ is the identity)
 * @param shareQuantResi 0: one φ per scale, 1: one shared φ, K ≥ 2: K partially shared φ
 * @param defaultQresiCounts number of φ when not shared (0: one per {@code vPatchNums} entry)
 * @param quantConvKernel kernel size of {@code post_quant_conv}
 * @param vPatchNums the tokenizer's own scale list (sizes the unshared φ bank only)
 */
public record VaeConfig(
    int vocabSize,
    int zChannels,
    int ch,
    int[] chMult,
    double quantResi,
    int shareQuantResi,
    int defaultQresiCounts,
    int quantConvKernel,
    int[] vPatchNums) {

  /** The decoder's residual blocks per level are fixed by the reference, not configurable. */
  public static final int NUM_RES_BLOCKS = 2;

  public VaeConfig {
    if (ch % GroupNorm.GROUPS != 0) {
      throw new CheckpointException(
          "tokenizer config: field 'ch' = " + ch + " must be a multiple of " + GroupNorm.GROUPS);
    }
    if (quantConvKernel % 2 != 1) {
      throw new CheckpointException(
          "tokenizer config: field 'quant_conv_ks' = " + quantConvKernel + " must be odd");
    }
  }

  public static VaeConfig from(ConfigFile c) {
    return new VaeConfig(
        c.requireInt("vocab_size"),
        c.requireInt("z_channels"),
        c.requireInt("ch"),
        c.requireIntArray("ch_mult"),
        c.optDouble("quant_resi", 0.5),
        c.optInt("share_quant_resi", 4),
        c.optInt("default_qresi_counts", 0),
        c.optInt("quant_conv_ks", 3),
        c.optIntArray("v_patch_nums", new int[] {1, 2, 3, 4, 5, 6, 8, 10, 13, 16}));
  }

  /** Channels of resolution level {@code l}. */
  public int channels(int level) {
    return ch * chMult[level];
  }

  public int levels() {
    return chMult.length;
  }

  /** Image side over latent side. */
  public int downsampling() {
    return 1 << (chMult.length - 1);
  }
}
