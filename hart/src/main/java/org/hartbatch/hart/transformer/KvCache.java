package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys (after RoPE) and values of one block, pre-allocated for the whole generation as {@code [G,
 * H, L_tot, dh]} so that each stage writes its rows in place instead of re-concatenating.
 */
final class KvCache {
  private final NDArray keys;
  private final NDArray values;
  private int length;

  KvCache(NDManager manager, long rows, int heads, int capacity, int headDim, DataType type) {
    Shape shape = new Shape(rows, heads, capacity, headDim);
    this.keys = manager.zeros(shape, type);
    this.values = manager.zeros(shape, type);
  }

  void append(NDArray k_GHnd, NDArray v_GHnd) {
    long n = k_GHnd.getShape().get(2);
    if (length + n > keys.getShape().get(2)) {
      throw new IllegalStateException(
          "KV cache holds " + keys.getShape().get(2) + " tokens; cannot append " + n + " more");
    }
    NDIndex rows = new NDIndex(":, :, {}:{}", length, length + n);
    keys.set(rows, k_GHnd);
    values.set(rows, v_GHnd);
    length += n;
  }

  NDArray keys() {
    return keys.get(new NDIndex(":, :, :{}", length));
  }

  NDArray values() {
    return values.get(new NDIndex(":, :, :{}", length));
  }
}
