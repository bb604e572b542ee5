package org.hartbatch.hart.text;

import java.util.List;

/** What became of one prompt of a batch. */
public sealed interface PromptOutcome {

  /**
   * The prompt is row {@code row} of the batch's context tensors.
   *
   * @param tokens prompt tokens kept (at most {@code maxTokens})
   * @param droppedTokens tokens removed by truncation; report them with the job's result
   * @param unknownWords the prompt's words that the vocabulary does not know (each became the
   *     unknown token); report them with the job's result
   */
  record Encoded(int row, int tokens, int droppedTokens, List<String> unknownWords)
      implements PromptOutcome {
    public Encoded {
      unknownWords = List.copyOf(unknownWords);
    }

    public boolean truncated() {
      return droppedTokens > 0;
    }
  }

  /** The prompt was not encoded; {@code reason} names the problem. */
  record Rejected(String reason) implements PromptOutcome {}
}
