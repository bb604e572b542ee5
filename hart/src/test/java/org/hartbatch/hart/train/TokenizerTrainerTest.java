package org.hartbatch.hart.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hartbatch.hart.io.ConfigFile;
import org.hartbatch.hart.io.WeightSource;
import org.hartbatch.hart.io.WeightSources;
import org.hartbatch.hart.shapes.RgbImage;
import org.hartbatch.hart.shapes.SceneSampler;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.hartbatch.hart.vae.VaeEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTrainerTest {
  /** 8×8 images, 4×4 latent, three scales. */
  static final VaeConfig TINY =
      new VaeConfig(16, 4, 32, new int[] {1, 2}, 0.5, 2, 0, 3, new int[] {1, 2, 4});

  /** Restarts every second step, so that short runs exercise them. */
  static final TokenizerTrainer.Options OFTEN = new TokenizerTrainer.Options(0.25f, 2, 1f, 0f);

  static List<RgbImage> images(int from, int count) {
    SceneSampler sampler = new SceneSampler(1, 1);
    List<RgbImage> images = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      images.add(sampler.scene(i).render(8));
    }
    return images;
  }

  @Test
  void stepsOnOneBatchLowerTheReconstructionLossOfBothPaths() {
    for (long seed : new long[] {3, 4}) {
      try (TokenizerTrainer trainer =
          TokenizerTrainer.fromScratch(TINY, TokenizerTrainer.Options.defaults(), seed)) {
        List<RgbImage> batch = images(0, 4);
        TokenizerTrainer.Losses first = trainer.step(batch, false, 3e-3f);
        TokenizerTrainer.Losses firstDiscrete = trainer.step(batch, true, 3e-3f);
        TokenizerTrainer.Losses last = first;
        TokenizerTrainer.Losses lastDiscrete = firstDiscrete;
        for (int i = 0; i < 15; i++) {
          last = trainer.step(batch, false, 3e-3f);
          lastDiscrete = trainer.step(batch, true, 3e-3f);
          assertTrue(Float.isFinite(last.reconstruction()), "seed " + seed + ": " + last);
          assertTrue(Float.isFinite(lastDiscrete.quantization()), "seed " + seed + ": " + last);
        }
        assertTrue(
            last.reconstruction() < 0.5f * first.reconstruction(),
            "seed " + seed + ": " + first + " then " + last);
        assertTrue(
            lastDiscrete.reconstruction() < firstDiscrete.reconstruction(),
            "seed " + seed + ": " + firstDiscrete + " then " + lastDiscrete);
        assertEquals(32, trainer.steps());
      }
    }
  }

  @Test
  void stepsAndRestartsDoNotGrowTheTrainersNativeMemory() {
    try (TokenizerTrainer trainer = TokenizerTrainer.fromScratch(TINY, OFTEN, 3)) {
      List<RgbImage> batch = images(0, 2);
      trainer.step(batch, true, 1e-3f);
      trainer.step(batch, false, 1e-3f);
      int after2 = trainer.managedArrays();
      int restarted = 0;
      for (int i = 0; i < 4; i++) {
        restarted += trainer.step(batch, i % 2 == 0, 1e-3f).restarted();
      }
      assertTrue(restarted > 0, "two images use fewer than 16 codes, so some rows restart");
      assertEquals(after2, trainer.managedArrays());
    }
  }

  @Test
  void aSavedCheckpointLoadsForInferenceAndResumesExactly(@TempDir Path dir) throws Exception {
    List<RgbImage> batch = images(4, 2);
    List<TokenizerTrainer.Losses> continued = new ArrayList<>();
    float[] codebookAfter;
    try (TokenizerTrainer trainer = TokenizerTrainer.fromScratch(TINY, OFTEN, 5)) {
      trainer.step(batch, false, 1e-3f);
      trainer.step(batch, true, 1e-3f);
      trainer.step(batch, false, 1e-3f);
      trainer.save(dir);
      try (NDManager m = NDManager.newBaseManager();
          WeightSource weights = WeightSources.open(dir.resolve(TokenizerTrainer.WEIGHTS))) {
        VaeConfig loaded = VaeConfig.from(ConfigFile.read(dir.resolve("config.json")));
        HartVae vae = HartVae.load(weights, loaded, m, DataType.FLOAT32);
        VaeEncoder encoder = VaeEncoder.load(weights, loaded, m, DataType.FLOAT32);
        NDArray img = TokenizerTrainer.batch(batch, m);
        NDArray f = encoder.encode(img);
        NDArray trained = trainer.encoder().encode(img);
        assertTrue(f.allClose(trained, 1e-4, 1e-5, false));
        assertTrue(
            vae.decodeUnclamped(f)
                .allClose(trainer.vae().decodeUnclamped(trained), 1e-4, 1e-5, false));
      }
      for (int i = 0; i < 3; i++) {
        continued.add(trainer.step(batch, i % 2 == 0, 1e-3f));
      }
      codebookAfter = trainer.vae().quantizer().codebook().toFloatArray();
    }
    assertTrue(continued.stream().anyMatch(l -> l.restarted() > 0), continued.toString());
    try (TokenizerTrainer resumed = TokenizerTrainer.resume(dir, OFTEN, 5)) {
      assertEquals(3, resumed.steps());
      for (int i = 0; i < 3; i++) {
        assertEquals(continued.get(i), resumed.step(batch, i % 2 == 0, 1e-3f), "step " + (4 + i));
      }
      assertArrayEquals(codebookAfter, resumed.vae().quantizer().codebook().toFloatArray());
    }
  }

  @Test
  void nearForegroundMarksEveryShapePixelAndAOnePixelOutlineOnly() {
    for (int i = 0; i < 20; i++) {
      org.hartbatch.hart.shapes.Scene scene = new SceneSampler(1, 2).scene(i);
      RgbImage image = scene.render(32);
      boolean[] near = TokenizerTrainer.nearForeground(image);
      int shapes = 0;
      int marked = 0;
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean background = image.nearestColour(x, y) == scene.background();
          boolean touchesShape = false;
          for (int yy = Math.max(0, y - 1); yy <= Math.min(31, y + 1); yy++) {
            for (int xx = Math.max(0, x - 1); xx <= Math.min(31, x + 1); xx++) {
              touchesShape |= image.nearestColour(xx, yy) != scene.background();
            }
          }
          assertEquals(touchesShape, near[y * 32 + x], "scene " + i + " pixel " + x + "," + y);
          shapes += background ? 0 : 1;
          marked += near[y * 32 + x] ? 1 : 0;
        }
      }
      assertTrue(shapes > 0 && marked > shapes, "scene " + i + ": " + shapes + " / " + marked);
    }
  }

  @Test
  void foregroundWeightsAverageOneAndWeighShapesMore() {
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      images.add(new SceneSampler(1, 2).scene(i).render(32));
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = TokenizerTrainer.foregroundWeights(images, OFTEN.withForegroundWeight(9f), m);
      assertArrayEquals(new long[] {3, 1, 32, 32}, w.getShape().getShape());
      float[] weights = w.toFloatArray();
      double sum = 0;
      float low = Float.MAX_VALUE;
      float high = 0;
      for (int p = 0; p < weights.length; p++) {
        sum += weights[p];
        low = Math.min(low, weights[p]);
        high = Math.max(high, weights[p]);
        boolean near = TokenizerTrainer.nearForeground(images.get(p / 1024))[p % 1024];
        assertEquals(near, weights[p] > 1.5f * low, "pixel " + p);
      }
      assertEquals(1.0, sum / weights.length, 1e-5);
      assertEquals(10f, high / low, 1e-4f);
    }
  }

  @Test
  void aNegativeForegroundWeightIsRejected() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> OFTEN.withForegroundWeight(-1f));
    assertTrue(e.getMessage().contains("foregroundWeight"), e.getMessage());
  }

  @Test
  void foregroundWeightingLowersTheReconstructionErrorOnShapes() {
    List<RgbImage> batch = new ArrayList<>();
    SceneSampler sampler = new SceneSampler(1, 1);
    for (int i = 0; i < 4; i++) {
      batch.add(sampler.scene(i).render(8));
    }
    double plain = shapeError(TokenizerTrainer.Options.defaults(), batch);
    double weighted =
        shapeError(TokenizerTrainer.Options.defaults().withForegroundWeight(10f), batch);
    assertTrue(weighted < 0.8 * plain, "weighted " + weighted + " vs plain " + plain);
  }

  /** Squared error on the pixels near shapes after 30 continuous steps on {@code batch}. */
  private static double shapeError(TokenizerTrainer.Options options, List<RgbImage> batch) {
    try (TokenizerTrainer trainer = TokenizerTrainer.fromScratch(TINY, options, 3);
        NDManager m = NDManager.newBaseManager()) {
      for (int i = 0; i < 30; i++) {
        trainer.step(batch, false, 3e-3f);
      }
      NDArray img = TokenizerTrainer.batch(batch, m);
      float[] decoded = trainer.vae().decodeUnclamped(trainer.encoder().encode(img)).toFloatArray();
      float[] target = img.toFloatArray();
      double error = 0;
      int pixels = 0;
      for (int b = 0; b < batch.size(); b++) {
        boolean[] near = TokenizerTrainer.nearForeground(batch.get(b));
        for (int p = 0; p < 64; p++) {
          for (int c = 0; c < 3 && near[p]; c++) {
            int at = (b * 3 + c) * 64 + p;
            error += (decoded[at] - target[at]) * (decoded[at] - target[at]);
            pixels++;
          }
        }
      }
      return error / pixels;
    }
  }
}
