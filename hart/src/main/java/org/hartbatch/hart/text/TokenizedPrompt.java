package org.hartbatch.hart.text;

import java.util.List;

/**
 * One prompt as the text encoder sees it.
 *
 * @param ids_T exactly {@code maxTokens} ids: the first {@code tokens} are the prompt's, the rest
 *     the pad id
 * @param tokens how many of the prompt's tokens were kept
 * @param droppedTokens how many tokens past {@code maxTokens} truncation removed
 * @param unknownWords the prompt's text of every kept token that is the vocabulary's unknown token,
 *     in prompt order
 */
public record TokenizedPrompt(
    long[] ids_T, int tokens, int droppedTokens, List<String> unknownWords) {

  public TokenizedPrompt {
    unknownWords = List.copyOf(unknownWords);
  }

  /** How many kept tokens are the vocabulary's unknown token. */
  public int unknownTokens() {
    return unknownWords.size();
  }
}
