package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.hartbatch.hart.io.Parameters;
import org.hartbatch.hart.runtime.Ops;
import org.hartbatch.hart.runtime.Scoped;

/**
 * Multi-head self-attention with rotary positions and the reference's scale {@code 0.25 /
 * sqrt(dh)}. k has no bias. There is no mask at inference: new queries see every cached key and
 * each other; an additive bias is only used by the cache-free formulation.
 */
public final class LlamaAttention {
  /**
   * Upper bound on the elements of one score block ({@code G·H·chunk·keys}); queries are processed
   * in chunks below it, since DJL has no fused attention. System property {@code
   * hart.attention.maxScores}; the default (2^27, 512 MiB in fp32) keeps the last 1024 px stage
   * within a few GiB per batch.
   */
  static volatile long scoreBlockElements = Long.getLong("hart.attention.maxScores", 1L << 27);

  private final NDArray qkvWeight;
  private final NDArray qBias;
  private final NDArray vBias;
  private final Linear proj;
  private final int heads;
  private final int headDim;
  private final float scale;

  LlamaAttention(HartTransformerConfig config, Parameters p) {
    int c = config.embedDim();
    this.qBias = p.get("q_bias", c);
    this.vBias = p.get("v_bias", c);
    this.qkvWeight = p.get("qkv_proj.weight", 3L * c, c);
    this.proj = Linear.bind(p, "proj", c, c);
    this.heads = config.numHeads();
    this.headDim = config.headDim();
    this.scale = (float) config.attentionScale();
  }

  /**
   * Attends {@code x_GnC} to the cache (after appending its own keys) or, without a cache, to
   * itself with the additive {@code bias_nn} (may be null).
   */
  NDArray forward(NDArray x_GnC, Rotary rotary, KvCache cache, NDArray bias_nn) {
    long g = x_GnC.getShape().get(0);
    long n = x_GnC.getShape().get(1);
    NDArray qkv_3GHnd =
        qkv(x_GnC.getManager())
            .apply(x_GnC)
            .reshape(g, n, 3, heads, headDim)
            .transpose(2, 0, 3, 1, 4);
    NDArray q = rotary.apply(qkv_3GHnd.get(0));
    NDArray k = rotary.apply(qkv_3GHnd.get(1));
    NDArray v = qkv_3GHnd.get(2);
    if (cache != null) {
      cache.append(k, v);
      k = cache.keys();
      v = cache.values();
    }
    NDArray out_GHnd = attend(q, k, v, bias_nn);
    return proj.apply(out_GHnd.transpose(0, 2, 1, 3).reshape(g, n, (long) heads * headDim));
  }

  /**
   * The qkv projection with k unbiased, assembled per call from the bound q and v biases; the
   * assembled bias belongs to {@code manager} (the caller's), not to the weights' manager.
   */
  private Linear qkv(NDManager manager) {
    NDArray zeros = manager.zeros(qBias.getShape(), qBias.getDataType());
    NDArray bias = NDArrays.concat(new NDList(qBias, zeros, vBias));
    bias.attach(manager);
    return new Linear(qkvWeight, bias);
  }

  private NDArray attend(NDArray q_GHnd, NDArray k_GHmd, NDArray v_GHmd, NDArray bias_nm) {
    long g = q_GHnd.getShape().get(0);
    long n = q_GHnd.getShape().get(2);
    long m = k_GHmd.getShape().get(2);
    NDArray kT = k_GHmd.transpose(0, 1, 3, 2);
    long chunk = Math.max(1, Math.min(n, scoreBlockElements / (g * heads * m)));
    NDList outputs = new NDList();
    for (long start = 0; start < n; start += chunk) {
      long from = start;
      long end = Math.min(n, start + chunk);
      // One chunk's scores at a time: the bound on their size is the point of chunking.
      outputs.add(
          Scoped.result(
              () -> {
                NDArray q = chunk == n ? q_GHnd : q_GHnd.get(new NDIndex(":, :, {}:{}", from, end));
                NDArray scores = Ops.scaled(q, scale).matMul(kT);
                if (bias_nm != null) {
                  scores =
                      scores.add(
                          chunk == n ? bias_nm : bias_nm.get(new NDIndex("{}:{}", from, end)));
                }
                return scores.softmax(-1).matMul(v_GHmd);
              }));
    }
    return outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 2);
  }
}
