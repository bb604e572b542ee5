package org.hartbatch.hart.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hartbatch.hart.pipeline.GeneratedImage;
import org.hartbatch.hart.pipeline.GenerationObserver;
import org.hartbatch.hart.pipeline.NextScaleGenerator;
import org.hartbatch.hart.sampling.RowSampling;
import org.hartbatch.hart.sampling.SampledTokens;
import org.hartbatch.hart.sampling.SamplingParams;
import org.hartbatch.hart.sampling.SeedStreams;
import org.hartbatch.hart.sampling.TokenSampler;
import org.hartbatch.hart.sampling.TopKTopPSampler;
import org.hartbatch.hart.shapes.ContentCheck;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.shapes.SceneSampler;

/**
 * Which scale's sampling loses the shape? Generates held-out single-shape scenes with the first
 * {@code k} scales' tokens taken from the tokenizer's encoding of the true picture and the rest
 * sampled (no residual diffusion), for k = 0 (plain generation) .. S (the tokenizer's discrete
 * reconstruction), and judges each picture with {@link ContentCheck}. Not a test.
 *
 * <p>Args: {@code DIR SCENES CFG TOPK SMOOTH}.
 */
public final class ForcedGeneration {
  private static final long SCENE_SEED = 0x5EED_C0E1L;
  private static final int BATCH = 25;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    SamplingParams params =
        new SamplingParams(
            Double.parseDouble(args[2]),
            Integer.parseInt(args[3]),
            0,
            Boolean.parseBoolean(args[4]));
    SceneSampler sampler = new SceneSampler(SCENE_SEED, 1);
    try (TransformerTrainer trainer =
            TransformerTrainer.fromCheckpoint(TransformerTrainer.Settings.shapes(), dir);
        NDManager m = NDManager.newBaseManager()) {
      int[] patchNums = trainer.transformerConfig().patchSides();
      int stages = patchNums.length;
      NextScaleGenerator generator =
          new NextScaleGenerator(trainer.transformer(), null, trainer.imageTokenizer().vae());
      int[] ccb = new int[stages + 2];
      int[] kinds = new int[stages + 2];
      for (int start = 0; start < count; start += BATCH) {
        List<Scene> scenes = new ArrayList<>();
        for (int i = start; i < Math.min(count, start + BATCH); i++) {
          scenes.add(sampler.scene(i));
        }
        for (int k = 0; k <= stages + 1; k++) {
          try (NDManager scope = m.newSubManager()) {
            TokenPyramid pyramid = trainer.pyramid(scenes, scope);
            TransformerTrainer.Prompts prompts =
                trainer.encode(
                    scenes.stream().map(Scene::caption).toList(),
                    new boolean[scenes.size()],
                    scope);
            List<RowSampling> rows = new ArrayList<>();
            for (int r = 0; r < scenes.size(); r++) {
              rows.add(new RowSampling(params, new SeedStreams(7000 + start + r)));
            }
            NDArray fHat =
                k > stages
                    ? trainer
                        .imageTokenizer()
                        .encode(
                            scenes.stream().map(sc -> sc.render(trainer.imageSize())).toList(),
                            scope)
                        .fHat_BCPP()
                    : generator.generate(
                        trainer.transformer().guide(prompts.context_RTD(), prompts.positions_RT()),
                        rows,
                        forced(k, pyramid.indices_RN(), patchNums),
                        null,
                        GenerationObserver.NONE,
                        scope);
            NDArray images = trainer.imageTokenizer().vae().decodeToUnitRange(fHat);
            float[] all = images.toFloatArray();
            long[] s = images.getShape().getShape();
            int per = (int) (s[1] * s[2] * s[3]);
            for (int r = 0; r < scenes.size(); r++) {
              float[] rgb = new float[per];
              System.arraycopy(all, r * per, rgb, 0, per);
              GeneratedImage g = new GeneratedImage((int) s[3], (int) s[2], rgb);
              ContentCheck.Verdict v =
                  ContentCheck.judge(new RgbImage(g.width(), g.height(), g.rgb8()), scenes.get(r));
              ccb[k] += v.colourCellAndBackground() ? 1 : 0;
              kinds[k] += v.kinds() ? 1 : 0;
            }
          }
        }
      }
      System.out.printf(Locale.ROOT, "%s, %d scenes, %s%n", dir, count, params);
      for (int k = 0; k <= stages + 1; k++) {
        System.out.printf(
            Locale.ROOT,
            (k > stages ? "(the tokenizer's own f-hat) " : "")
                + "true tokens for the first %d scales: colour, cell, bg %d/%d (%.0f%%), kind %d/%d (%.0f%%)%n",
            k,
            ccb[k],
            count,
            100.0 * ccb[k] / count,
            kinds[k],
            count,
            100.0 * kinds[k] / count);
      }
    }
  }

  /** The true tokens (hard embeddings) for stages below {@code k}, the sampler's after. */
  private static TokenSampler forced(int k, long[][] indices_RN, int[] patchNums) {
    TokenSampler real = new TopKTopPSampler();
    return (guided, codebook, stage, rows) -> {
      if (stage.stage() >= k) {
        return real.sample(guided, codebook, stage, rows);
      }
      int offset = 0;
      for (int s = 0; s < stage.stage(); s++) {
        offset += patchNums[s] * patchNums[s];
      }
      int n = patchNums[stage.stage()] * patchNums[stage.stage()];
      long[] flat = new long[indices_RN.length * n];
      for (int r = 0; r < indices_RN.length; r++) {
        System.arraycopy(indices_RN[r], offset, flat, r * n, n);
      }
      NDArray idx = guided.getManager().create(flat, new Shape(indices_RN.length, n));
      return new SampledTokens(idx, codebook.get(idx));
    };
  }
}
