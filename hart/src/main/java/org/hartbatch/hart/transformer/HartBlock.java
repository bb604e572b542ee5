package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Scoped;

/**
 * The released block (no AdaLN): {@code x += attn(norm(x)); x += mlp(norm(x))}, both with the same
 * RMSNorm weight {@code ln_wo_grad}.
 */
public final class HartBlock {
  private final RmsNorm norm;
  private final LlamaAttention attention;
  private final LlamaMlp mlp;

  HartBlock(HartTransformerConfig config, Parameters p) {
    norm = RmsNorm.bind(p, "ln_wo_grad", config.embedDim(), config.normEps());
    attention = new LlamaAttention(config, p.scope("attn"));
    mlp = new LlamaMlp(config, p.scope("ffn"));
  }

  /**
   * Frees its intermediates (attention scores, MLP activations) before it returns: held until the
   * end of a stage, those of every block of HART-0.7B's last 1024 px stage need more memory than a
   * GPU has.
   */
  NDArray forward(NDArray x_GnC, Rotary rotary, KvCache cache, NDArray bias_nn) {
    return Scoped.result(
        () -> {
          NDArray h = x_GnC.add(attention.forward(norm.apply(x_GnC), rotary, cache, bias_nn));
          return h.add(mlp.forward(norm.apply(h)));
        });
  }
}
