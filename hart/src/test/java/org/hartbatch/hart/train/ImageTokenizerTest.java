package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.shapes.Scene;
import org.hartbatch.hart.shapes.SceneSampler;
import org.hartbatch.hart.vae.MultiScaleLatent;
import org.hartbatch.hart.vae.VaeEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTokenizerTest {
  @Test
  void theTokenPyramidRebuildsTheDiscreteLatentTheWayInferenceDoes(@TempDir Path dir)
      throws Exception {
    List<RgbImage> images = TokenizerTrainerTest.images(0, 3);
    try (TokenizerTrainer trainer =
        TokenizerTrainer.fromScratch(
            TokenizerTrainerTest.TINY, TokenizerTrainer.Options.defaults(), 1)) {
      trainer.step(images, false, 1e-3f);
      trainer.save(dir);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      ImageTokenizer tokenizer = ImageTokenizer.open(dir, m);
      assertArrayEquals(new int[] {1, 2, 4}, tokenizer.patchNums());
      try (ImageTokenizer.Tokens tokens = tokenizer.encode(images, m);
          MultiScaleLatent latent =
              new MultiScaleLatent(tokenizer.vae(), tokenizer.patchNums(), 3, m)) {
        int[] sides = tokenizer.patchNums();
        for (int s = 0; s < sides.length; s++) {
          NDArray idx = tokens.indices_SBL().get(s);
          assertEquals(new Shape(3, (long) sides[s] * sides[s]), idx.getShape());
          assertEquals(DataType.INT64, idx.getDataType());
          if (s < sides.length - 1) {
            latent.addStageIndices(s, idx).close();
          } else {
            latent.addLastStage(latent.lookup(idx));
          }
        }
        assertTrue(latent.fHat().allClose(tokens.fHat_BCPP(), 1e-4, 1e-5, false));
        try (WeightSource weights = WeightSources.open(dir.resolve(TokenizerTrainer.WEIGHTS))) {
          VaeEncoder encoder =
              VaeEncoder.load(weights, tokenizer.vae().config(), m, DataType.FLOAT32);
          NDArray f = encoder.encode(TokenizerTrainer.batch(images, m));
          assertTrue(
              tokens.fHat_BCPP().add(tokens.residual_BCPP()).allClose(f, 1e-4, 1e-5, false),
              "discrete part plus residual is the encoder's latent");
        }
        NDArray decoded = tokenizer.decode(tokens.fHat_BCPP());
        assertEquals(new Shape(3, 3, 8, 8), decoded.getShape());
      }
    }
  }

  @Test
  void qualityCountsScenesThatPassTheContentCheck() {
    SceneSampler sampler = new SceneSampler(4, 1);
    List<Scene> scenes = new ArrayList<>();
    List<RgbImage> perfect = new ArrayList<>();
    List<RgbImage> blank = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      scenes.add(sampler.scene(i));
      perfect.add(sampler.scene(i).render(32));
      blank.add(new RgbImage(32, 32, new byte[32 * 32 * 3]));
    }
    ReconstructionQuality exact = ReconstructionQuality.judge(perfect, scenes, 32);
    assertEquals(new ReconstructionQuality(4, 1, 1, 1), exact);
    ReconstructionQuality black = ReconstructionQuality.judge(blank, scenes, 32);
    assertEquals(0, black.colourCellAndBackground());
    assertTrue(black.pixels() < 1, black.toString());
  }
}
