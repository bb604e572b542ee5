package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;

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

  private AdaLnBeforeHead(RmsNorm norm, Linear adaLin, Linear head) {
    this.norm = norm;
    this.adaLin = adaLin;
    this.head = head;
  }

  static AdaLnBeforeHead load(
      HartTransformerConfig config, WeightReader reader, long vocab, NDManager manager)
      throws IOException {
    int c = config.embedDim();
    return new AdaLnBeforeHead(
        new RmsNorm(reader.read("head_nm.ln_wo_grad.weight", manager, c), (float) config.normEps()),
        new Linear(
            reader.read("head_nm.ada_lin.1.weight", manager, 2L * c, c),
            reader.read("head_nm.ada_lin.1.bias", manager, 2L * c)),
        new Linear(
            reader.read("head.weight", manager, vocab, c),
            reader.read("head.bias", manager, vocab)));
  }

  Modulation modulation(NDArray contextEmbeddings_GTC) {
    long c = contextEmbeddings_GTC.getShape().get(2);
    NDArray pooled = contextEmbeddings_GTC.max(new int[] {1}, true);
    NDArray both = adaLin.apply(Silu.apply(pooled));
    return new Modulation(
        both.get(new NDIndex("..., :{}", c)), both.get(new NDIndex("..., {}:", c)));
  }

  NDArray logits(NDArray hidden_GnC, Modulation modulation) {
    NDArray u =
        norm.apply(hidden_GnC).mul(modulation.scale_G1C().add(1)).add(modulation.shift_G1C());
    return head.apply(u);
  }
}
