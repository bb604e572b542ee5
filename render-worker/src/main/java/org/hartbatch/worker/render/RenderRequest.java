package org.hartbatch.worker.render;

/**
 * One row of a batch: what may vary per image.
 *
 * @param prompt text to render
 * @param seed sampler seed
 * @param guidanceScale classifier-free guidance scale
 * @param moreSmooth HART's smoother token decoding
 * @param topK top-k override, or {@code null}
 * @param topP top-p threshold, or {@code null}
 */
public record RenderRequest(
    String prompt,
    long seed,
    double guidanceScale,
    boolean moreSmooth,
    Integer topK,
    Double topP) {}
