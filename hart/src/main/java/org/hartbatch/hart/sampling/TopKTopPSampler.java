package org.hartbatch.hart.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The reference's sampler: top-k (threshold at the k-th largest value, ties kept), optional top-p,
 * one categorical draw per token, and on the {@code moreSmooth} path a Gumbel-softmax over the
 * filtered logits scaled by {@code 1 + ratio} at temperature {@code tau}.
 *
 * <p>The categorical draw inverts the cumulative distribution with one uniform per token (exact,
 * and far cheaper than the reference's exponential race, whose numbers cannot be reproduced
 * anyway). All randomness comes from each request's own {@link SeedStreams}, drawn on the host.
 *
 * <p>The whole batch goes through one sequence of ops over {@code [B, n, V]}, with each row's k,
 * nucleus mass and uniforms as tensors. Every op works along the vocabulary of one token (top-k,
 * sort, softmax, cumulative sum) or element by element, so a row's result does not depend on the
 * other rows. The one matrix product, the soft embedding, runs row by row: BLAS picks its kernel by
 * the row count, and a request's tokens must come out the same alone or batched.
 */
public final class TopKTopPSampler implements TokenSampler {

  @Override
  public SampledTokens sample(
      NDArray guided_BnV, NDArray codebook_VCv, StageSchedule stage, List<RowSampling> rows) {
    NDManager manager = guided_BnV.getManager();
    Shape shape = guided_BnV.getShape();
    int batch = Math.toIntExact(shape.get(0));
    int n = Math.toIntExact(shape.get(1));
    long vocab = shape.get(2);
    if (rows.size() != batch) {
      throw new IllegalArgumentException(rows.size() + " sampling rows for " + batch + " rows");
    }
    NDArray filtered = topK(guided_BnV, stage, rows);
    filtered = topP(filtered, rows);
    NDArray cdf = filtered.softmax(-1).cumSum(-1);
    NDArray total = cdf.get(new NDIndex(":, :, -1:"));
    float[] u = new float[batch * n];
    for (int b = 0; b < batch; b++) {
      float[] row =
          SeedStreams.openUniforms(
              rows.get(b).streams().stream(SeedStreams.Purpose.TOKENS, stage.stage()), n);
      System.arraycopy(row, 0, u, b * n, n);
    }
    NDArray target = manager.create(u, new Shape(batch, n, 1)).mul(total);
    NDArray indices =
        cdf.lt(target).toType(DataType.INT64, false).sum(new int[] {-1}).minimum(vocab - 1);
    NDArray hard = codebook_VCv.get(indices);
    if (rows.stream().noneMatch(r -> r.params().moreSmooth())) {
      return new SampledTokens(indices, hard);
    }
    NDArray soft = gumbelSoftmax(filtered, stage, rows);
    NDList embeddings = new NDList();
    for (int b = 0; b < batch; b++) {
      embeddings.add(
          rows.get(b).params().moreSmooth()
              ? soft.get(b).toType(codebook_VCv.getDataType(), false).matMul(codebook_VCv)
              : hard.get(b));
    }
    return new SampledTokens(indices, NDArrays.stack(embeddings));
  }

  /** Drops every logit below its row's k-th largest (k of the row's parameters or the schedule). */
  private static NDArray topK(NDArray logits_BnV, StageSchedule stage, List<RowSampling> rows) {
    long vocab = logits_BnV.getShape().get(2);
    int batch = rows.size();
    long[] kthIndex = new long[batch];
    boolean[] filters = new boolean[batch];
    int widest = 0;
    for (int b = 0; b < batch; b++) {
      SamplingParams params = rows.get(b).params();
      int k = params.topK() > 0 ? params.topK() : stage.referenceTopK();
      filters[b] = k < vocab;
      kthIndex[b] = filters[b] ? k - 1 : 0;
      widest = filters[b] ? Math.max(widest, k) : widest;
    }
    if (widest == 0) {
      return logits_BnV;
    }
    NDManager manager = logits_BnV.getManager();
    long n = logits_BnV.getShape().get(1);
    NDArray sorted = logits_BnV.topK(widest, -1, true, true).get(0);
    NDArray kth = sorted.gather(manager.create(kthIndex, new Shape(batch, 1, 1)).repeat(1, n), -1);
    NDArray threshold =
        NDArrays.where(
            manager.create(filters, new Shape(batch, 1, 1)).repeat(1, n),
            kth,
            manager.full(kth.getShape(), Float.NEGATIVE_INFINITY));
    return dropBelow(logits_BnV, threshold);
  }

  /**
   * Keeps, per token, the smallest set of largest logits whose mass exceeds the row's top-p; rows
   * without top-p get a limit of -inf, which keeps everything.
   */
  private static NDArray topP(NDArray logits_BnV, List<RowSampling> rows) {
    if (rows.stream().allMatch(r -> r.params().topP() <= 0)) {
      return logits_BnV;
    }
    int batch = rows.size();
    float[] limit = new float[batch];
    for (int b = 0; b < batch; b++) {
      double topP = rows.get(b).params().topP();
      limit[b] = topP > 0 ? (float) (1 - topP) : Float.NEGATIVE_INFINITY;
    }
    NDManager manager = logits_BnV.getManager();
    NDArray ascending = logits_BnV.sort(-1);
    NDArray mass = ascending.softmax(-1).cumSum(-1);
    NDArray keptValues =
        NDArrays.where(
            mass.gt(manager.create(limit, new Shape(batch, 1, 1))),
            ascending,
            manager.full(ascending.getShape(), Float.POSITIVE_INFINITY));
    return dropBelow(logits_BnV, keptValues.min(new int[] {-1}, true));
  }

  /**
   * {@code softmax((1 + ratio) logits + g) / tau)} with each smoothing row's Gumbel noise {@code g}
   * from its own stream (zero noise on the other rows, whose result is not used).
   */
  private static NDArray gumbelSoftmax(
      NDArray filtered_BnV, StageSchedule stage, List<RowSampling> rows) {
    Shape shape = filtered_BnV.getShape();
    int perRow = Math.toIntExact(shape.get(1) * shape.get(2));
    float[] gumbel = new float[Math.multiplyExact(rows.size(), perRow)];
    // n x V draws per row (16.7 M per image at 1024 px) took most of a GPU batch's time on one
    // host thread. Codes the filters dropped stay -inf whatever their noise, so only the kept ones
    // pay the logarithms; and each row has its own stream, so rows are drawn in parallel.
    boolean[] kept;
    try (NDArray dropped = filtered_BnV.isInfinite();
        NDArray keptCodes = dropped.logicalNot()) {
      kept = keptCodes.toBooleanArray();
    }
    IntStream.range(0, rows.size())
        .parallel()
        .filter(b -> rows.get(b).params().moreSmooth())
        .forEach(
            b ->
                SeedStreams.fillGumbel(
                    rows.get(b).streams().stream(SeedStreams.Purpose.GUMBEL, stage.stage()),
                    gumbel,
                    kept,
                    b * perRow,
                    perRow));
    return filtered_BnV
        .mul((float) (1 + stage.ratio()))
        .add(filtered_BnV.getManager().create(gumbel, shape))
        .div((float) stage.gumbelTemperature())
        .softmax(-1);
  }

  /** Sets every entry below its token's threshold to -inf (DJL's where does not broadcast). */
  private static NDArray dropBelow(NDArray logits, NDArray threshold) {
    return NDArrays.where(
        logits.lt(threshold),
        logits.getManager().full(logits.getShape(), Float.NEGATIVE_INFINITY),
        logits);
  }
}
