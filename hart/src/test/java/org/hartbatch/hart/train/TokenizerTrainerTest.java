package org.hartbatch.hart.train;

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

  private static List<RgbImage> images(int from, int count) {
    SceneSampler sampler = new SceneSampler(1, 1);
    List<RgbImage> images = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      images.add(sampler.scene(i).render(8));
    }
    return images;
  }

  @Test
  void stepsOnOneBatchLowerTheReconstructionLossOfBothPaths() {
    try (TokenizerTrainer trainer = TokenizerTrainer.fromScratch(TINY, 0.25f, 3)) {
      List<RgbImage> batch = images(0, 4);
      TokenizerTrainer.Losses first = trainer.step(batch, false, 3e-3f);
      TokenizerTrainer.Losses firstDiscrete = trainer.step(batch, true, 3e-3f);
      TokenizerTrainer.Losses last = first;
      TokenizerTrainer.Losses lastDiscrete = firstDiscrete;
      for (int i = 0; i < 12; i++) {
        last = trainer.step(batch, false, 3e-3f);
        lastDiscrete = trainer.step(batch, true, 3e-3f);
      }
      assertTrue(last.reconstruction() < 0.5f * first.reconstruction(), first + " then " + last);
      assertTrue(
          lastDiscrete.reconstruction() < firstDiscrete.reconstruction(),
          firstDiscrete + " then " + lastDiscrete);
      assertEquals(26, trainer.steps());
    }
  }

  @Test
  void stepsDoNotGrowTheTrainersNativeMemory() {
    try (TokenizerTrainer trainer = TokenizerTrainer.fromScratch(TINY, 0.25f, 3)) {
      List<RgbImage> batch = images(0, 2);
      trainer.step(batch, true, 1e-3f);
      int after1 = trainer.managedArrays();
      trainer.step(batch, false, 1e-3f);
      trainer.step(batch, true, 1e-3f);
      assertEquals(after1, trainer.managedArrays());
    }
  }

  @Test
  void aSavedCheckpointLoadsForInferenceAndResumesExactly(@TempDir Path dir) throws Exception {
    List<RgbImage> batch = images(4, 2);
    TokenizerTrainer.Losses continued;
    try (TokenizerTrainer trainer = TokenizerTrainer.fromScratch(TINY, 0.25f, 5)) {
      trainer.step(batch, false, 1e-3f);
      trainer.step(batch, true, 1e-3f);
      trainer.save(dir);
      try (NDManager m = NDManager.newBaseManager();
          WeightSource weights = WeightSources.open(dir.resolve(TokenizerTrainer.WEIGHTS))) {
        VaeConfig loaded = VaeConfig.from(ConfigFile.read(dir.resolve("config.json")));
        HartVae vae = HartVae.load(weights, loaded, m, DataType.FLOAT32);
        VaeEncoder encoder = VaeEncoder.load(weights, loaded, m, DataType.FLOAT32);
        NDArray img = TokenizerTrainer.batch(batch, m);
        NDArray f = encoder.encode(img);
        NDArray trained = trainer.encoder().encode(img);
        assertTrue(f.allClose(trained, 1e-5, 1e-6, false));
        assertTrue(
            vae.decodeUnclamped(f)
                .allClose(trainer.vae().decodeUnclamped(trained), 1e-5, 1e-6, false));
      }
      continued = trainer.step(batch, false, 1e-3f);
    }
    try (TokenizerTrainer resumed = TokenizerTrainer.resume(dir, 0.25f)) {
      assertEquals(2, resumed.steps());
      TokenizerTrainer.Losses again = resumed.step(batch, false, 1e-3f);
      assertEquals(continued.reconstruction(), again.reconstruction(), 1e-5f);
      assertEquals(continued.quantization(), again.quantization(), 1e-5f);
    }
  }
}
