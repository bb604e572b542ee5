package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.DiffusionSampler;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.sampling.RowSampling;
import org.hartbatch.hart.sampling.SamplingParams;
import org.hartbatch.hart.sampling.SeedStreams;
import org.hartbatch.hart.sampling.TopKTopPSampler;
import org.hartbatch.hart.transformer.HartTransformer;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request renders the same whether alone or inside other batches, at any position: identical
 * tokens at every stage and images within one 8-bit level. Uses the built-in tiny model with random
 * per-prompt contexts, so it tests the generation loop (sampling, guidance groups, diffusion
 * noise), not the text encoder.
 */
class DeterminismTest {
  /** Small enough for a shared CPU; the same code paths as the built-in models. */
  private static final BuiltinModel MODEL =
      new BuiltinModel(
          "determinism",
          24,
          32,
          2,
          64,
          4,
          new int[] {1, 2, 3, 4, 6, 8},
          32,
          2,
          128,
          8,
          32,
          new int[] {1, 2});

  private static NDManager manager;
  private static HartTransformer transformer;
  private static NextScaleGenerator generator;
  private static HartVae vae;

  /** A prompt: its context seed, valid length and sampling. */
  private record Prompt(long contextSeed, int length, long seed, SamplingParams params) {}

  private record Rendered(List<long[][]> tokens, float[][] images) {}

  private static final Prompt SUBJECT = new Prompt(1, 17, 7, new SamplingParams(4.5, 0, 0, true));
  private static final Prompt OTHER_A = new Prompt(2, 24, 8, new SamplingParams(4.5, 0, 0, true));
  private static final Prompt OTHER_B =
      new Prompt(3, 5, 9, new SamplingParams(2.0, 50, 0.9, false));
  private static final Prompt OTHER_C = new Prompt(4, 12, 7, new SamplingParams(4.5, 0, 0, true));

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    transformer =
        HartTransformer.load(
            HartTransformerConfig.from(MODEL.transformerConfig()),
            MODEL.transformerWeights(),
            manager,
            DataType.FLOAT32);
    SimpleMlpAdaLn net =
        SimpleMlpAdaLn.load(
            MODEL.transformerWeights(),
            DiffusionConfig.from(MODEL.transformerConfig(), MODEL.latentChannels()),
            manager,
            DataType.FLOAT32);
    vae =
        HartVae.load(
            MODEL.vaeWeights(), VaeConfig.from(MODEL.vaeConfig()), manager, DataType.FLOAT32);
    generator = new NextScaleGenerator(transformer, DiffusionSampler.of(net), vae);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static Rendered render(List<Prompt> prompts) {
    try (NDManager batch = manager.newSubManager()) {
      int t = MODEL.contextTokens();
      int d = MODEL.contextDim();
      float[] context = new float[prompts.size() * t * d];
      long[][] positions = new long[prompts.size()][t];
      List<RowSampling> rows = new ArrayList<>();
      for (int b = 0; b < prompts.size(); b++) {
        Prompt p = prompts.get(b);
        SplittableRandom random = new SplittableRandom(p.contextSeed);
        for (int i = 0; i < t * d; i++) {
          context[b * t * d + i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < t; i++) {
          positions[b][i] = Math.min(i, p.length - 1);
        }
        rows.add(new RowSampling(p.params, new SeedStreams(p.seed)));
      }
      List<long[][]> tokens = new ArrayList<>();
      GenerationObserver observer =
          new GenerationObserver() {
            @Override
            public void onStage(
                int stage,
                NDArray input,
                NDArray hidden,
                NDArray logits,
                NDArray guided,
                NDArray indices,
                NDArray fHat,
                NDArray nextInput) {
              long[] flat = indices.toLongArray();
              int n = flat.length / prompts.size();
              long[][] perRow = new long[prompts.size()][];
              for (int b = 0; b < prompts.size(); b++) {
                perRow[b] = Arrays.copyOfRange(flat, b * n, (b + 1) * n);
              }
              tokens.add(perRow);
            }
          };
      NDArray fHat =
          generator.generate(
              transformer.guide(batch.create(context, new Shape(prompts.size(), t, d)), positions),
              rows,
              new TopKTopPSampler(),
              null,
              observer,
              batch);
      NDArray images = vae.decodeToUnitRange(fHat);
      float[][] perImage = new float[prompts.size()][];
      for (int b = 0; b < prompts.size(); b++) {
        perImage[b] = images.get(b).toFloatArray();
      }
      return new Rendered(tokens, perImage);
    }
  }

  private static void assertSameRender(Rendered alone, Rendered batch, int row) {
    for (int s = 0; s < alone.tokens.size(); s++) {
      assertArrayEquals(alone.tokens.get(s)[0], batch.tokens.get(s)[row], "tokens of stage " + s);
    }
    float worst = 0;
    for (int i = 0; i < alone.images[0].length; i++) {
      worst = Math.max(worst, Math.abs(alone.images[0][i] - batch.images[row][i]));
    }
    assertTrue(worst <= 1f / 255, "largest pixel difference " + worst);
  }

  @Test
  void aRequestRendersTheSameAloneAndInsideOtherBatches() {
    Rendered alone = render(List.of(SUBJECT));
    assertSameRender(alone, render(List.of(OTHER_A, OTHER_B, SUBJECT, OTHER_C)), 2);
    assertSameRender(alone, render(List.of(SUBJECT, OTHER_B)), 0);
  }

  @Test
  void aRequestWithTopKTopPAndHardTokensRendersTheSameAloneAndBatched() {
    assertSameRender(render(List.of(OTHER_B)), render(List.of(OTHER_A, SUBJECT, OTHER_B)), 2);
  }

  @Test
  void theSeedChangesTheImageButTheContextStays() {
    Rendered batch = render(List.of(SUBJECT, OTHER_C));
    // OTHER_C has the subject's seed but another context; the subject with another seed:
    Rendered reseeded =
        render(List.of(new Prompt(SUBJECT.contextSeed, SUBJECT.length, 99, SUBJECT.params)));
    int last = batch.tokens.size() - 1;
    assertFalse(Arrays.equals(batch.tokens.get(last)[0], reseeded.tokens.get(last)[0]));
    assertFalse(Arrays.equals(batch.tokens.get(last)[0], batch.tokens.get(last)[1]));
    assertEquals(3 * MODEL.imageSize() * MODEL.imageSize(), batch.images[0].length);
  }
}
