package org.hartbatch.hart.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.runtime.Ops;

/**
 * The encoding side of the hybrid tokenizer, needed only to train it: {@code
 * quant_conv(encoder(x))}. The encoder mirrors {@link VaeDecoder}: conv_in, the down levels from
 * full resolution ({@code down.0}, two res-blocks each, attention after each res-block on the last
 * level, ×½ downsampling on all but the last), mid (res, attn, res), then GroupNorm, SiLU and
 * conv_out to {@code Cv} channels.
 */
public final class VaeEncoder {
  private record Level(List<ResnetBlock> blocks, List<AttnBlock> attentions, Downsample down) {}

  private final NDArray convInWeight;
  private final NDArray convInBias;
  private final List<Level> levels = new ArrayList<>();
  private final ResnetBlock mid1;
  private final AttnBlock midAttn;
  private final ResnetBlock mid2;
  private final GroupNorm normOut;
  private final NDArray convOutWeight;
  private final NDArray convOutBias;
  private final NDArray quantConvWeight;
  private final NDArray quantConvBias;

  /** Binds {@code encoder.*} and {@code quant_conv.*} of {@code p}. */
  public VaeEncoder(Parameters p, VaeConfig config) {
    Parameters e = p.scope("encoder");
    int last = config.levels() - 1;
    int blockIn = config.ch();
    convInWeight = e.get("conv_in.weight", blockIn, 3, 3, 3);
    convInBias = e.get("conv_in.bias", blockIn);
    for (int level = 0; level <= last; level++) {
      Parameters down = e.scope("down." + level);
      int blockOut = config.channels(level);
      List<ResnetBlock> blocks = new ArrayList<>();
      List<AttnBlock> attentions = new ArrayList<>();
      for (int j = 0; j < VaeConfig.NUM_RES_BLOCKS; j++) {
        blocks.add(new ResnetBlock(down.scope("block." + j), blockIn, blockOut));
        blockIn = blockOut;
        if (level == last) {
          attentions.add(new AttnBlock(down.scope("attn." + j), blockIn));
        }
      }
      Downsample downsample =
          level != last ? new Downsample(down.scope("downsample"), blockIn) : null;
      levels.add(new Level(blocks, attentions, downsample));
    }
    mid1 = new ResnetBlock(e.scope("mid.block_1"), blockIn, blockIn);
    midAttn = new AttnBlock(e.scope("mid.attn_1"), blockIn);
    mid2 = new ResnetBlock(e.scope("mid.block_2"), blockIn, blockIn);
    normOut = new GroupNorm(e.scope("norm_out"), blockIn);
    int cv = config.zChannels();
    convOutWeight = e.get("conv_out.weight", cv, blockIn, 3, 3);
    convOutBias = e.get("conv_out.bias", cv);
    int k = config.quantConvKernel();
    quantConvWeight = p.get("quant_conv.weight", cv, cv, k, k);
    quantConvBias = p.get("quant_conv.bias", cv);
  }

  /**
   * Binds the encoder of tokenizer weights, with or without the {@code vae.} prefix; every other
   * tensor is ignored.
   */
  public static VaeEncoder load(
      WeightSource weights, VaeConfig config, NDManager manager, DataType computeType) {
    boolean wrapped =
        weights.tensors().keySet().stream().anyMatch(n -> n.startsWith(HartVae.WRAPPED_PREFIX));
    WeightSource inner = wrapped ? weights.withPrefix(HartVae.WRAPPED_PREFIX) : weights;
    Parameters p =
        new Parameters(
            inner,
            manager,
            computeType,
            name -> !name.startsWith("encoder.") && !name.startsWith("quant_conv."));
    VaeEncoder encoder = new VaeEncoder(p, config);
    p.finish();
    return encoder;
  }

  /** Images in [-1, 1], {@code [B, 3, H, W]} → the latent {@code f} before quantization. */
  public NDArray encode(NDArray img_B3HW) {
    NDArray h = Ops.conv2d(img_B3HW, convInWeight, convInBias);
    for (Level level : levels) {
      for (int j = 0; j < level.blocks().size(); j++) {
        h = replace(h, level.blocks().get(j).forward(h));
        if (!level.attentions().isEmpty()) {
          h = replace(h, level.attentions().get(j).forward(h));
        }
      }
      if (level.down() != null) {
        h = replace(h, level.down().forward(h));
      }
    }
    h = replace(h, mid1.forward(h));
    h = replace(h, midAttn.forward(h));
    h = replace(h, mid2.forward(h));
    try (NDArray last = h;
        NDArray normed = normOut.forward(last);
        NDArray activated = Ops.silu(normed);
        NDArray f = Ops.conv2d(activated, convOutWeight, convOutBias)) {
      return Ops.conv2d(f, quantConvWeight, quantConvBias);
    }
  }

  private static NDArray replace(NDArray old, NDArray next) {
    old.close();
    return next;
  }
}
