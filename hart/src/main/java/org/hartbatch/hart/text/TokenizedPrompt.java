package org.hartbatch.hart.text;

/**
 * One prompt as the text encoder sees it.
 *
 * @param ids_T exactly {@code maxTokens} ids: the first {@code tokens} are the prompt's, the rest
 *     the pad id
 * @param tokens how many of the prompt's tokens were kept
 * @param droppedTokens how many tokens past {@code maxTokens} truncation removed
 * @param unknownTokens how many kept tokens are the vocabulary's unknown token
 */
public record TokenizedPrompt(long[] ids_T, int tokens, int droppedTokens, int unknownTokens) {}
