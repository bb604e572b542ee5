package org.hartbatch.hart.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The text conditioning of a batch: one outcome per input prompt (in input order) and, for the
 * encoded ones only, in input order, the rows of HART's context tensors. Closing it frees them.
 *
 * @param outcomes one per input prompt
 * @param context_BTD final Qwen2 hidden states of the prompt tokens, float32
 * @param mask_BT {@code ids != pad}, boolean
 * @param positions_BT {@code cumsum(mask) - 1}, int64 (pads repeat the last real position)
 */
public record EncodedPrompts(
    List<PromptOutcome> outcomes,
    NDArray context_BTD,
    NDArray mask_BT,
    NDArray positions_BT,
    NDManager manager)
    implements AutoCloseable {

  /** Number of encoded prompts, i.e. rows of the tensors. */
  public int rows() {
    return Math.toIntExact(context_BTD.getShape().get(0));
  }

  @Override
  public void close() {
    manager.close();
  }
}
