package org.hartbatch.hart.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.hartbatch.hart.diffusion.DiffusionConfig;
import org.hartbatch.hart.diffusion.SimpleMlpAdaLn;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.transformer.HartTransformer;
import org.hartbatch.hart.transformer.HartTransformerConfig;
import org.hartbatch.hart.vae.HartVae;
import org.hartbatch.hart.vae.VaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinModelTest {

  /** The loaders report any missing, mis-shaped or unexpected name, so this pins the key lists. */
  @ParameterizedTest
  @ValueSource(strings = {"builtin:tiny", "builtin:mid"})
  void everyNetworkBindsExactlyTheGeneratedTensors(String spec) {
    BuiltinModel model = BuiltinModel.named(spec);
    try (NDManager manager = NDManager.newBaseManager()) {
      HartTransformer transformer =
          HartTransformer.load(
              HartTransformerConfig.from(model.transformerConfig()),
              model.transformerWeights(),
              manager,
              DataType.FLOAT32);
      SimpleMlpAdaLn.load(
          model.transformerWeights(),
          DiffusionConfig.from(model.transformerConfig(), model.latentChannels()),
          manager,
          DataType.FLOAT32);
      HartVae vae =
          HartVae.load(
              model.vaeWeights(), VaeConfig.from(model.vaeConfig()), manager, DataType.FLOAT32);
      assertEquals(model.vocab(), transformer.vocabSize());
      assertEquals(
          model.imageSize(), transformer.config().latentSide() * vae.config().downsampling());
    }
  }

  @Test
  void weightsDependOnlyOnSeedAndName() {
    try (NDManager manager = NDManager.newBaseManager()) {
      RandomWeights a = BuiltinModel.TINY.transformerWeights();
      RandomWeights b = BuiltinModel.TINY.transformerWeights();
      assertArrayEquals(
          a.load("blocks.1.attn.proj.weight", manager, null).toFloatArray(),
          b.load("blocks.1.attn.proj.weight", manager, null).toFloatArray());
      float[] norm = a.load("blocks.1.ln_wo_grad.weight", manager, null).toFloatArray();
      assertEquals(1f, norm[0]);
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> a.load("no.such", manager, null));
      assertTrue(e.getMessage().contains("no.such"), e.getMessage());
    }
  }

  @Test
  void theReleasedShapeIs1024PixelsWithAQwen2Width1536TextEncoder() {
    BuiltinModel m = BuiltinModel.named("builtin:0.7b");
    assertEquals(1024, m.imageSize());
    HartTransformerConfig t = HartTransformerConfig.from(m.transformerConfig());
    assertEquals(64, t.latentSide());
    assertEquals(64, t.headDim());
    assertEquals(
        new org.hartbatch.hart.text.Qwen2Config(512, 1536, 2, 12, 2, 8960, 1e6, 1e-6),
        m.textEncoderConfig());
    assertEquals(
        org.hartbatch.hart.text.TextEncoders.TINY_CONFIG, BuiltinModel.TINY.textEncoderConfig());
  }

  @Test
  void aContextWidthWithoutAQwen2HeadLayoutIsRefused() {
    BuiltinModel odd =
        new BuiltinModel(
            "odd", 300, 100, 1, 64, 4, new int[] {1, 2}, 32, 1, 16, 4, 32, new int[] {1, 1});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, odd::textEncoderConfig);
    assertTrue(e.getMessage().contains("context_dim 100"), e.getMessage());
  }
}
