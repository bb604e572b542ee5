package org.hartbatch.hart.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The tokens chosen for a batch of requests at one stage.
 *
 * @param indices_Bn hard code indices (int64); they feed the diffusion condition at the last stage
 * @param embeddings_BnCv the token values added to the latent: the codebook rows of the indices, or
 *     the Gumbel-softmax mixture on the {@code moreSmooth} path
 */
public record SampledTokens(NDArray indices_Bn, NDArray embeddings_BnCv) {}
