package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;

/**
 * The released block (no AdaLN): {@code x += attn(norm(x)); x += mlp(norm(x))}, both with the same
 * RMSNorm weight {@code ln_wo_grad}.
 */
public final class HartBlock {
  private final RmsNorm norm;
  private final LlamaAttention attention;
  private final LlamaMlp mlp;

  private HartBlock(RmsNorm norm, LlamaAttention attention, LlamaMlp mlp) {
    this.norm = norm;
    this.attention = attention;
    this.mlp = mlp;
  }

  static HartBlock load(
      HartTransformerConfig config, WeightReader reader, int index, NDManager manager)
      throws IOException {
    String prefix = "blocks." + index + ".";
    return new HartBlock(
        new RmsNorm(
            reader.read(prefix + "ln_wo_grad.weight", manager, config.embedDim()),
            (float) config.normEps()),
        LlamaAttention.load(config, reader, prefix + "attn.", manager),
        LlamaMlp.load(config, reader, prefix + "ffn.", manager));
  }

  NDArray forward(NDArray x_GnC, Rotary rotary, KvCache cache, NDArray bias_nn) {
    NDArray h = x_GnC.add(attention.forward(norm.apply(x_GnC), rotary, cache, bias_nn));
    return h.add(mlp.forward(norm.apply(h)));
  }
}
