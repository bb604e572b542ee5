package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.hartbatch.hart.runtime.Ops;

/**
 * HART's {@code encode_prompts} on token ids: the system prompt's ids are prepended to every
 * right-padded prompt, the Qwen2 decoder runs over both, and the prompt part of its last hidden
 * state is the context.
 *
 * <p>The system prompt sits at positions {@code 0..S-1}, is never padded and only attends to
 * itself, so its keys and values are the same for every prompt. With reuse on they are computed
 * once (batch 1) and every batch only runs the {@code T} prompt tokens against them. This equals
 * the full pass up to float rounding of the differently shaped products.
 */
public final class PromptEncoder implements AutoCloseable {

  /** HART's text conditioning for B prompts. */
  public record Context(NDArray context_BTD, NDArray mask_BT, NDArray positions_BT) {
    NDList asList() {
      return new NDList(context_BTD, mask_BT, positions_BT);
    }
  }

  private final Qwen2Model model;
  private final long[] systemIds;
  private final int maxTokens;
  private final long padId;
  private final NDManager prefixManager;
  private final List<Qwen2Attention.KeyValues> systemPrefix;

  /**
   * @param systemIds the system prompt's ids (already cut to {@code maxTokens}); may be empty
   * @param reuseSystemPrompt compute the system prompt's keys/values once and reuse them
   */
  public PromptEncoder(
      Qwen2Model model,
      long[] systemIds,
      int maxTokens,
      long padId,
      boolean reuseSystemPrompt,
      NDManager parent) {
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("maxTokens must be > 0 but is " + maxTokens);
    }
    this.model = model;
    this.systemIds = systemIds.clone();
    this.maxTokens = maxTokens;
    this.padId = padId;
    this.prefixManager = parent.newSubManager();
    this.systemPrefix = reuseSystemPrompt && systemIds.length > 0 ? computeSystemPrefix() : null;
  }

  private List<Qwen2Attention.KeyValues> computeSystemPrefix() {
    try (NDScope scope = new NDScope()) {
      NDArray ids_1S = Ops.owned(prefixManager.create(systemIds, new Shape(1, systemIds.length)));
      NDArray mask_1S = prefixManager.ones(new Shape(1, systemIds.length), DataType.BOOLEAN);
      List<Qwen2Attention.KeyValues> keyValues = model.forward(ids_1S, mask_1S, null).keyValues();
      for (Qwen2Attention.KeyValues kv : keyValues) {
        NDScope.unregister(kv.keys_BKSE(), kv.values_BKSE());
        kv.keys_BKSE().attach(prefixManager);
        kv.values_BKSE().attach(prefixManager);
      }
      return keyValues;
    }
  }

  public int maxTokens() {
    return maxTokens;
  }

  public long padId() {
    return padId;
  }

  public int systemPromptLength() {
    return systemIds.length;
  }

  public boolean reusesSystemPrompt() {
    return systemPrefix != null;
  }

  /**
   * Encodes prompts given as ids, each exactly {@code maxTokens} long and right-padded with the pad
   * id. The returned arrays belong to {@code manager}.
   */
  public Context encode(long[][] promptIds_BT, NDManager manager) {
    if (promptIds_BT.length == 0) {
      return new Context(
          manager.zeros(new Shape(0, maxTokens, model.config().hiddenSize())),
          manager.zeros(new Shape(0, maxTokens), DataType.BOOLEAN),
          manager.zeros(new Shape(0, maxTokens), DataType.INT64));
    }
    try (NDScope scope = new NDScope()) {
      NDArray ids_BT = idsArray(promptIds_BT, manager);
      NDArray mask_BT = ids_BT.neq(padId);
      NDArray positions_BT = mask_BT.toType(DataType.INT64, false).cumSum(1).sub(1);
      NDArray context_BTD =
          systemPrefix != null ? encodeAfterPrefix(ids_BT, mask_BT) : encodeFull(ids_BT, mask_BT);
      Context context = new Context(context_BTD, mask_BT, positions_BT);
      NDScope.unregister(context.asList());
      context.asList().attach(manager);
      return context;
    }
  }

  private NDArray idsArray(long[][] promptIds_BT, NDManager manager) {
    int batch = promptIds_BT.length;
    long[] flat = new long[batch * maxTokens];
    for (int b = 0; b < batch; b++) {
      if (promptIds_BT[b].length != maxTokens) {
        throw new IllegalArgumentException(
            "prompt " + b + " has " + promptIds_BT[b].length + " ids, expected " + maxTokens);
      }
      System.arraycopy(promptIds_BT[b], 0, flat, b * maxTokens, maxTokens);
    }
    return Ops.owned(manager.create(flat, new Shape(batch, maxTokens)));
  }

  private NDArray encodeAfterPrefix(NDArray ids_BT, NDArray mask_BT) {
    NDArray keyMask_BS = withSystemKeys(mask_BT);
    return model.forward(ids_BT, keyMask_BS, systemPrefix).hidden_BLD();
  }

  private NDArray encodeFull(NDArray ids_BT, NDArray mask_BT) {
    NDArray input_BS = withSystemIds(ids_BT);
    NDArray hidden_BSD = model.forward(input_BS, withSystemKeys(mask_BT), null).hidden_BLD();
    return hidden_BSD.get(new NDIndex(":, {}:", systemIds.length));
  }

  /** The full pass's final hidden states over [system prompt, prompt], {@code [B, S+T, D]}. */
  public NDArray hiddenStatesOfFullPass(long[][] promptIds_BT, NDManager manager) {
    try (NDScope scope = new NDScope()) {
      NDArray ids_BT = idsArray(promptIds_BT, manager);
      NDArray hidden_BSD =
          model
              .forward(withSystemIds(ids_BT), withSystemKeys(ids_BT.neq(padId)), null)
              .hidden_BLD();
      NDScope.unregister(hidden_BSD);
      hidden_BSD.attach(manager);
      return hidden_BSD;
    }
  }

  private NDArray withSystemIds(NDArray ids_BT) {
    long batch = ids_BT.getShape().get(0);
    NDArray system_BS =
        ids_BT
            .getManager()
            .create(systemIds, new Shape(1, systemIds.length))
            .broadcast(batch, systemIds.length);
    return NDArrays.concat(new NDList(system_BS, ids_BT), 1);
  }

  private NDArray withSystemKeys(NDArray mask_BT) {
    long batch = mask_BT.getShape().get(0);
    NDArray system_BS =
        mask_BT.getManager().ones(new Shape(batch, systemIds.length), DataType.BOOLEAN);
    return NDArrays.concat(new NDList(system_BS, mask_BT), 1);
  }

  @Override
  public void close() {
    prefixManager.close();
  }
}
