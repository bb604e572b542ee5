package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;

/**
 * The logits head: {@code head(RMSNorm(h) * (1 + scale) + shift)} where {@code (scale, shift) =
 * Linear(SiLU(max over the context embeddings))}, scale first. The pooling is over all context
 * tokens, padding included, with no mask.
 */
public final class AdaLnBeforeHead {
  /** The per-row modulation of the head, {@code [G, 1, C]} each. */
  public record Modulation(NDArray scale_G1C, NDArray shift_G1C) {}

  private final RmsNorm norm;
  private final Linear adaLin;
  private final Linear head;

  AdaLnBeforeHead(HartTransformerConfig config, Parameters p, long vocab) {
    int c = config.embedDim();
    norm = RmsNorm.bind(p, "head_nm.ln_wo_grad", c, config.normEps());
    adaLin = Linear.bind(p, "head_nm.ada_lin.1", 2L * c, c);
    head = Linear.bind(p, "head", vocab, c);
  }

  Modulation modulation(NDArray contextEmbeddings_GTC) {
    long c = contextEmbeddings_GTC.getShape().get(2);
    NDArray pooled = contextEmbeddings_GTC.max(new int[] {1}, true);
    NDArray both = adaLin.apply(Ops.silu(pooled));
    return new Modulation(
        both.get(new NDIndex("..., :{}", c)), both.get(new NDIndex("..., {}:", c)));
  }

  NDArray logits(NDArray hidden_GnC, Modulation modulation) {
    NDArray u =
        norm.apply(hidden_GnC).mul(modulation.scale_G1C().add(1)).add(modulation.shift_G1C());
    return head.apply(u);
  }
}
