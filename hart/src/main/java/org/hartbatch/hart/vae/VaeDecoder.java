package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * The VAE decoder ({@code decoder.*}): conv_in, mid (res, attn, res), the up levels from the lowest
 * resolution ({@code up.<last>}, with attention after each res-block) to {@code up.0}, each but
 * level 0 ending with ×2 upsampling, then GroupNorm, SiLU and conv_out to RGB.
 */
public final class VaeDecoder {
  private record Level(List<ResnetBlock> blocks, List<AttnBlock> attentions, Upsample upsample) {}

  private final NDArray convInWeight;
  private final NDArray convInBias;
  private final ResnetBlock mid1;
  private final AttnBlock midAttn;
  private final ResnetBlock mid2;
  private final List<Level> levelsTopDown = new ArrayList<>();
  private final GroupNorm normOut;
  private final NDArray convOutWeight;
  private final NDArray convOutBias;

  VaeDecoder(Parameters p, VaeConfig config) {
    int last = config.levels() - 1;
    int blockIn = config.channels(last);
    convInWeight = p.get("conv_in.weight", blockIn, config.zChannels(), 3, 3);
    convInBias = p.get("conv_in.bias", blockIn);
    mid1 = new ResnetBlock(p.scope("mid.block_1"), blockIn, blockIn);
    midAttn = new AttnBlock(p.scope("mid.attn_1"), blockIn);
    mid2 = new ResnetBlock(p.scope("mid.block_2"), blockIn, blockIn);
    for (int level = last; level >= 0; level--) {
      Parameters up = p.scope("up." + level);
      int blockOut = config.channels(level);
      List<ResnetBlock> blocks = new ArrayList<>();
      List<AttnBlock> attentions = new ArrayList<>();
      for (int j = 0; j <= VaeConfig.NUM_RES_BLOCKS; j++) {
        blocks.add(new ResnetBlock(up.scope("block." + j), blockIn, blockOut));
        blockIn = blockOut;
        if (level == last) {
          attentions.add(new AttnBlock(up.scope("attn." + j), blockIn));
        }
      }
      Upsample upsample = level != 0 ? new Upsample(up.scope("upsample"), blockIn) : null;
      levelsTopDown.add(new Level(blocks, attentions, upsample));
    }
    normOut = new GroupNorm(p.scope("norm_out"), blockIn);
    convOutWeight = p.get("conv_out.weight", 3, blockIn, 3, 3);
    convOutBias = p.get("conv_out.bias", 3);
  }

  /** {@code [B, Cv, h, w]} → unclamped {@code [B, 3, h·2^(L−1), w·2^(L−1)]}. */
  public NDArray forward(NDArray z_BCHW) {
    NDArray h = Ops.conv2d(z_BCHW, convInWeight, convInBias);
    h = replace(h, mid1.forward(h));
    h = replace(h, midAttn.forward(h));
    h = replace(h, mid2.forward(h));
    for (Level level : levelsTopDown) {
      for (int j = 0; j < level.blocks().size(); j++) {
        h = replace(h, level.blocks().get(j).forward(h));
        if (!level.attentions().isEmpty()) {
          h = replace(h, level.attentions().get(j).forward(h));
        }
      }
      if (level.upsample() != null) {
        h = replace(h, level.upsample().forward(h));
      }
    }
    try (NDArray last = h;
        NDArray normed = normOut.forward(last);
        NDArray activated = Ops.silu(normed)) {
      return Ops.conv2d(activated, convOutWeight, convOutBias);
    }
  }

  private static NDArray replace(NDArray old, NDArray next) {
    old.close();
    return next;
  }
}
