package org.hartbatch.hart.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The reference's sampler: top-k (threshold at the k-th largest value, ties kept), optional top-p,
 * one categorical draw per token, and on the {@code moreSmooth} path a Gumbel-softmax over the
 * filtered logits scaled by {@code 1 + ratio} at temperature {@code tau}.
 *
 * <p>The categorical draw inverts the cumulative distribution with one uniform per token (exact,
 * and far cheaper than the reference's exponential race, whose numbers cannot be reproduced
 * anyway). All randomness comes from the request's own {@link SeedStreams}.
 */
public final class TopKTopPSampler implements TokenSampler {

  @Override
  public SampledTokens sample(
      NDArray guided_nV,
      NDArray codebook_VCv,
      StageSchedule stage,
      SamplingParams params,
      SeedStreams streams) {
    NDManager manager = guided_nV.getManager();
    long n = guided_nV.getShape().get(0);
    long vocab = guided_nV.getShape().get(1);
    int k = params.topK() > 0 ? params.topK() : stage.referenceTopK();
    NDArray filtered = guided_nV;
    if (k < vocab) {
      NDArray kth = guided_nV.topK(k, -1, true, false).get(0).min(new int[] {-1}, true);
      filtered = dropBelow(filtered, kth);
    }
    if (params.topP() > 0) {
      NDArray ascending = filtered.sort(-1);
      NDArray mass = ascending.softmax(-1).cumSum(-1);
      NDArray keptValues =
          NDArrays.where(
              mass.gt(1 - params.topP()),
              ascending,
              manager.full(ascending.getShape(), Float.POSITIVE_INFINITY));
      filtered = dropBelow(filtered, keptValues.min(new int[] {-1}, true));
    }
    NDArray cdf = filtered.softmax(-1).cumSum(-1);
    NDArray total = cdf.get(new NDIndex(":, -1:"));
    float[] u =
        SeedStreams.openUniforms(
            streams.stream(SeedStreams.Purpose.TOKENS, stage.stage()), (int) n);
    NDArray target = manager.create(u, new Shape(n, 1)).mul(total);
    NDArray indices =
        cdf.lt(target).toType(DataType.INT64, false).sum(new int[] {-1}).minimum(vocab - 1);
    if (!params.moreSmooth()) {
      return new SampledTokens(indices, codebook_VCv.get(indices));
    }
    SplittableRandom gumbelStream = streams.stream(SeedStreams.Purpose.GUMBEL, stage.stage());
    NDArray gumbel =
        manager.create(
            SeedStreams.gumbel(gumbelStream, Math.toIntExact(n * vocab)), new Shape(n, vocab));
    NDArray soft =
        filtered
            .mul((float) (1 + stage.ratio()))
            .add(gumbel)
            .div((float) stage.gumbelTemperature())
            .softmax(-1);
    return new SampledTokens(
        indices, soft.toType(codebook_VCv.getDataType(), false).matMul(codebook_VCv));
  }

  /** Sets every entry below its row's threshold to -inf (DJL's where does not broadcast). */
  private static NDArray dropBelow(NDArray logits, NDArray threshold) {
    return NDArrays.where(
        logits.lt(threshold),
        logits.getManager().full(logits.getShape(), Float.NEGATIVE_INFINITY),
        logits);
  }
}
