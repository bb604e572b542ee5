package org.hartbatch.hart.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopKTopPSamplerTest {
  private static final int TOKENS = 20000;
  private static final float[] PROBS = {0.5f, 0.3f, 0.2f, 0f};

  private NDManager manager;
  private NDArray codebook;
  private final TokenSampler sampler = new TopKTopPSampler();

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    codebook = manager.create(new float[] {1, 0, 0, 1, -1, 0, 0, -1}, new Shape(4, 2));
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** {@code TOKENS} identical rows of logits {@code log(PROBS)}. */
  private NDArray logits() {
    float[] row = new float[PROBS.length];
    for (int v = 0; v < row.length; v++) {
      row[v] = (float) Math.log(PROBS[v]);
    }
    return manager.create(row).reshape(1, PROBS.length).repeat(0, TOKENS);
  }

  private long[] draw(SamplingParams params, long seed) {
    return sample(logits(), new StageSchedule(3, 14), params, seed).indices_Bn().toLongArray();
  }

  /** One request's tokens from its logits {@code [n, V]}, as a batch of one. */
  private SampledTokens sample(
      NDArray logits_nV, StageSchedule stage, SamplingParams p, long seed) {
    SampledTokens tokens =
        sampler.sample(
            logits_nV.expandDims(0),
            codebook,
            stage,
            List.of(new RowSampling(p, new SeedStreams(seed))));
    return new SampledTokens(tokens.indices_Bn().get(0), tokens.embeddings_BnCv().get(0));
  }

  private static double[] frequencies(long[] indices) {
    double[] f = new double[PROBS.length];
    for (long i : indices) {
      f[(int) i] += 1.0 / indices.length;
    }
    return f;
  }

  @Test
  void drawsFollowTheDistributionAndNeverPickAZeroProbability() {
    double[] f = frequencies(draw(new SamplingParams(4.5, 0, 0, false), 7));
    assertEquals(0.5, f[0], 0.02);
    assertEquals(0.3, f[1], 0.02);
    assertEquals(0.2, f[2], 0.02);
    assertEquals(0.0, f[3]);
  }

  @Test
  void topKDropsEverythingBelowTheKthValue() {
    double[] f = frequencies(draw(new SamplingParams(4.5, 2, 0, false), 7));
    assertEquals(0.0, f[2]);
    assertEquals(0.625, f[0], 0.02);
  }

  @Test
  void topPKeepsTheSmallestSetAboveTheMass() {
    // ascending [0.2, 0.3, 0.5] has cumulative mass [0.2, 0.5, 1]: 0.2 <= 1 - 0.6 is dropped.
    double[] f = frequencies(draw(new SamplingParams(4.5, 0, 0.6, false), 7));
    assertEquals(0.0, f[2]);
    assertTrue(f[1] > 0.3, Arrays.toString(f));
  }

  @Test
  void aSeedAlwaysGivesTheSameTokensAndAnotherSeedOthers() {
    SamplingParams params = new SamplingParams(4.5, 0, 0, false);
    assertArrayEquals(draw(params, 11), draw(params, 11));
    assertFalse(Arrays.equals(draw(params, 11), draw(params, 12)));
  }

  @Test
  void theSmoothPathMixesOnlyUnfilteredCodes() {
    SampledTokens tokens =
        sample(logits(), new StageSchedule(3, 14), new SamplingParams(4.5, 1, 0, true), 3);
    // with k = 1 only code 0 survives, so the soft mixture is exactly its codebook row
    float[] e = tokens.embeddings_BnCv().get("0").toFloatArray();
    assertArrayEquals(new float[] {1, 0}, e, 1e-6f);
    assertEquals(new Shape(TOKENS, 2), tokens.embeddings_BnCv().getShape());
  }

  @Test
  void theSmoothPathIsAConvexMixture() {
    SampledTokens tokens =
        sample(logits(), new StageSchedule(13, 14), new SamplingParams(4.5, 0, 0, true), 3);
    float[] e = tokens.embeddings_BnCv().toFloatArray();
    for (int i = 0; i < e.length; i += 2) {
      // codes (1,0), (0,1), (-1,0): any convex mixture has |x| + |y| <= 1 and y >= 0
      assertTrue(Math.abs(e[i]) + Math.abs(e[i + 1]) <= 1 + 1e-5 && e[i + 1] >= -1e-6);
    }
  }

  @Test
  void greedyIsTheArgmax() {
    NDArray lg = manager.create(new float[] {0, 3, 1, 2, 5, 4}, new Shape(2, 3));
    SampledTokens tokens =
        TokenSampler.GREEDY.sample(
            lg.expandDims(0),
            codebook,
            new StageSchedule(0, 5),
            List.of(new RowSampling(SamplingParams.REFERENCE_DEFAULTS, null)));
    assertArrayEquals(new long[] {1, 1}, tokens.indices_Bn().toLongArray());
    assertArrayEquals(new float[] {0, 1, 0, 1}, tokens.embeddings_BnCv().toFloatArray());
  }

  /**
   * Rows with different k, top-p, smoothing and seeds sampled as one batch give each row exactly
   * what it gets alone, over a vocabulary and token count whose sizes are no multiple of a vector.
   */
  @Test
  void eachRowOfABatchSamplesExactlyAsAlone() {
    int n = 37;
    int vocab = 1027;
    NDArray wide = manager.randomNormal(new Shape(vocab, 2));
    List<SamplingParams> params =
        List.of(
            new SamplingParams(4.5, 0, 0, true),
            new SamplingParams(2.0, 50, 0.9, false),
            new SamplingParams(4.5, 5000, 0, true),
            new SamplingParams(1.0, 3, 0, false),
            new SamplingParams(4.5, 0, 0.5, true));
    NDArray logits_BnV = manager.randomNormal(new Shape(params.size(), n, vocab)).mul(3);
    List<RowSampling> rows = new ArrayList<>();
    for (int b = 0; b < params.size(); b++) {
      rows.add(new RowSampling(params.get(b), new SeedStreams(100 + b)));
    }
    for (StageSchedule stage : List.of(new StageSchedule(2, 10), new StageSchedule(9, 10))) {
      SampledTokens batch = sampler.sample(logits_BnV, wide, stage, rows);
      for (int b = 0; b < rows.size(); b++) {
        SampledTokens alone =
            sampler.sample(logits_BnV.get(b).expandDims(0), wide, stage, List.of(rows.get(b)));
        assertArrayEquals(
            alone.indices_Bn().toLongArray(),
            batch.indices_Bn().get(b).toLongArray(),
            "indices of row " + b);
        assertArrayEquals(
            alone.embeddings_BnCv().toFloatArray(),
            batch.embeddings_BnCv().get(b).toFloatArray(),
            "embeddings of row " + b);
      }
    }
  }

  @Test
  void aBatchNeedsOneSamplingRowPerRequest() {
    NDArray logits_BnV = manager.zeros(new Shape(2, 3, 4));
    List<RowSampling> one =
        List.of(new RowSampling(SamplingParams.REFERENCE_DEFAULTS, new SeedStreams(1)));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler.sample(logits_BnV, codebook, new StageSchedule(1, 5), one))
            .getMessage()
            .contains("1 sampling rows for 2"));
  }

  @Test
  void invalidParametersNameTheField() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(4.5, 0, 1.5, true))
            .getMessage()
            .contains("topP"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(-1, 0, 0, true))
            .getMessage()
            .contains("cfg"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, -3, 0, true))
            .getMessage()
            .contains("topK"));
  }
}
