package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;

/** Pre-norm decoder block: {@code x += attn(norm₁(x))}, then {@code x += mlp(norm₂(x))}. */
public record Qwen2DecoderLayer(
    RmsNorm inputLayernorm, Qwen2Attention selfAttn, RmsNorm postAttentionLayernorm, Qwen2Mlp mlp) {

  public Qwen2Attention.Output forward(
      NDArray x_BLD,
      RotaryEmbedding.Table rope,
      NDArray bias_BLS,
      Qwen2Attention.KeyValues prefix) {
    Qwen2Attention.Output attention =
        selfAttn.forward(inputLayernorm.forward(x_BLD), rope, bias_BLS, prefix);
    NDArray h_BLD = x_BLD.add(attention.out_BLD());
    NDArray out_BLD = h_BLD.add(mlp.forward(postAttentionLayernorm.forward(h_BLD)));
    return new Qwen2Attention.Output(out_BLD, attention.own());
  }
}
