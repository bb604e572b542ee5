package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.hartbatch.hart.runtime.Ops;

/**
 * Grouped-query self-attention with q/k/v biases and no output bias. Query head {@code h} reads
 * key/value head {@code h / (numHeads / numKeyValueHeads)}.
 *
 * <p>Keys and values of an earlier prefix (already rotated) can be passed in; the new tokens then
 * attend to the prefix followed by themselves, which is how the shared system prompt is reused.
 */
public record Qwen2Attention(
    NDArray qProjWeight,
    NDArray qProjBias,
    NDArray kProjWeight,
    NDArray kProjBias,
    NDArray vProjWeight,
    NDArray vProjBias,
    NDArray oProjWeight,
    int numHeads,
    int numKeyValueHeads,
    int headDim) {

  /** Rotated keys and values of one layer, each {@code [B, numKeyValueHeads, S, headDim]}. */
  public record KeyValues(NDArray keys_BKSE, NDArray values_BKSE) {
    public long length() {
      return keys_BKSE.getShape().get(2);
    }
  }

  /** The attention output and this call's own (rotated) keys and values. */
  public record Output(NDArray out_BLD, KeyValues own) {}

  /**
   * @param x_BLD normalised input of the new tokens
   * @param rope rotary tables for the new tokens' positions
   * @param bias_BLS additive mask over [prefix, new] keys: 0 where allowed, very negative where not
   * @param prefix keys/values of a preceding prefix with batch 1 or B, or {@code null}
   */
  public Output forward(
      NDArray x_BLD, RotaryEmbedding.Table rope, NDArray bias_BLS, KeyValues prefix) {
    long batch = x_BLD.getShape().get(0);
    long length = x_BLD.getShape().get(1);
    NDArray q_BHLE = heads(Linear.linear(x_BLD, qProjWeight, qProjBias), numHeads);
    NDArray k_BKLE = heads(Linear.linear(x_BLD, kProjWeight, kProjBias), numKeyValueHeads);
    NDArray v_BKLE = heads(Linear.linear(x_BLD, vProjWeight, vProjBias), numKeyValueHeads);
    q_BHLE = RotaryEmbedding.apply(q_BHLE, rope);
    k_BKLE = RotaryEmbedding.apply(k_BKLE, rope);
    KeyValues own = new KeyValues(k_BKLE, v_BKLE);

    NDArray keys_BKSE = k_BKLE;
    NDArray values_BKSE = v_BKLE;
    if (prefix != null) {
      keys_BKSE = withPrefix(prefix.keys_BKSE(), k_BKLE, batch);
      values_BKSE = withPrefix(prefix.values_BKSE(), v_BKLE, batch);
    }
    long keyCount = keys_BKSE.getShape().get(2);
    int group = numHeads / numKeyValueHeads;
    // Heads h = kv·group + j are adjacent, so the group folds into the query axis of its kv head.
    NDArray q_BKQE =
        Ops.scaled(q_BHLE, 1.0 / Math.sqrt(headDim))
            .reshape(batch, numKeyValueHeads, group * length, -1);
    NDArray scores_BKGLS =
        q_BKQE
            .matMul(keys_BKSE.transpose(0, 1, 3, 2))
            .reshape(batch, numKeyValueHeads, group, length, keyCount)
            .add(bias_BLS.reshape(batch, 1, 1, length, keyCount));
    NDArray weights_BKQS =
        scores_BKGLS.softmax(-1).reshape(batch, numKeyValueHeads, group * length, keyCount);
    NDArray out_BLD =
        weights_BKQS
            .matMul(values_BKSE)
            .reshape(batch, numHeads, length, headDim)
            .transpose(0, 2, 1, 3)
            .reshape(batch, length, (long) numHeads * headDim);
    return new Output(Linear.linear(out_BLD, oProjWeight).singletonOrThrow(), own);
  }

  private NDArray heads(NDList projected, int count) {
    NDArray x_BLF = projected.singletonOrThrow();
    long batch = x_BLF.getShape().get(0);
    long length = x_BLF.getShape().get(1);
    return x_BLF.reshape(batch, length, count, headDim).transpose(0, 2, 1, 3);
  }

  private static NDArray withPrefix(NDArray prefix_PKSE, NDArray new_BKLE, long batch) {
    NDArray prefix_BKSE =
        prefix_PKSE.getShape().get(0) == batch
            ? prefix_PKSE
            : prefix_PKSE.broadcast(new Shape(batch).addAll(prefix_PKSE.getShape().slice(1)));
    return NDArrays.concat(new NDList(prefix_BKSE, new_BKLE), 2);
  }
}
