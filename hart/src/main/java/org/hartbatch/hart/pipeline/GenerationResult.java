package org.hartbatch.hart.pipeline;

import java.util.List;
import java.util.Map;

/**
 * What became of one request.
 *
 * @param request the request
 * @param image the image, or null when the request was rejected
 * @param error why the request was rejected (e.g. its prompt could not be encoded), or null
 * @param droppedPromptTokens prompt tokens cut by truncation (0 when none; reported, never silent)
 * @param unknownWords words of the prompt outside the text tokenizer's vocabulary, as written in
 *     the prompt (empty when none; the model saw its unknown token in their place)
 * @param tokens the sampled code indices of every stage, row-major per scale
 * @param batchSize how many requests shared the batch (the timings are the batch's)
 * @param timingsNanos wall time of each phase of the batch, in execution order ({@code text
 *     encoding}, {@code stage 0}, {@code sampling}, … {@code stage S-1}, {@code diffusion}, {@code
 *     decode}); {@code sampling} (guidance and token sampling) is summed over the stages and is
 *     part of their times
 */
public record GenerationResult(
    GenerationRequest request,
    GeneratedImage image,
    String error,
    int droppedPromptTokens,
    List<String> unknownWords,
    List<int[]> tokens,
    int batchSize,
    Map<String, Long> timingsNanos) {

  public GenerationResult {
    unknownWords = List.copyOf(unknownWords);
  }

  public boolean succeeded() {
    return image != null;
  }
}
