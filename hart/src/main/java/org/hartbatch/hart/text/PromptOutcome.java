package org.hartbatch.hart.text;

/** What became of one prompt of a batch. */
public sealed interface PromptOutcome {

  /**
   * The prompt is row {@code row} of the batch's context tensors.
   *
   * @param tokens prompt tokens kept (at most {@code maxTokens})
   * @param droppedTokens tokens removed by truncation; report them with the job's result
   * @param unknownTokens kept tokens that are the vocabulary's unknown token
   */
  record Encoded(int row, int tokens, int droppedTokens, int unknownTokens)
      implements PromptOutcome {
    public boolean truncated() {
      return droppedTokens > 0;
    }
  }

  /** The prompt was not encoded; {@code reason} names the problem. */
  record Rejected(String reason) implements PromptOutcome {}
}
