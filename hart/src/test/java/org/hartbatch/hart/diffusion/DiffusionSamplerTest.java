package org.hartbatch.hart.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.hartbatch.hart.io.Parameters;
import org.junit.jupiter.api.Test;

class DiffusionSamplerTest {

  private static final DiffusionConfig CONFIG = new DiffusionConfig(8, 32, 64, 2, "8");

  /** Noise of 4 everywhere: a 4-sigma draw, which a batch of 1024 px images meets every time. */
  private static final NoiseSource FOURS = (manager, shape) -> manager.full(shape, 4f);

  @Test
  void aLargeDrawAtTheFirstStepsStaysFiniteInFloat16() {
    try (NDManager manager = NDManager.newBaseManager()) {
      SimpleMlpAdaLn net =
          new SimpleMlpAdaLn(CONFIG, Parameters.random(manager, DataType.FLOAT16, 0.1f));
      DiffusionSampler sampler = DiffusionSampler.of(net);
      double firstFactor = sampler.schedule().sqrtRecipAlphasCumprod()[7];
      assertTrue(4 * firstFactor > 65504, "the case needs x * sqrt(1/alpha_bar) beyond fp16");
      NDArray z =
          manager
              .randomNormal(0, 1, new Shape(4, 32), DataType.FLOAT32)
              .toType(DataType.FLOAT16, false);
      NDArray r = sampler.sample(z, 4.5, FOURS);
      assertEquals(
          DataType.FLOAT16, r.getDataType(), "the residual comes back in the compute type");
      for (float v : r.toType(DataType.FLOAT32, false).toFloatArray()) {
        assertTrue(Float.isFinite(v), "fp16 residual has " + v);
      }
    }
  }
}
