package org.hartbatch.hart.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class OpsTest {
  @Test
  void aKernelBeingTrainedConvolvesTheBatchLikeImageByImage() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      NDArray x = m.randomNormal(new Shape(3, 4, 6, 6));
      NDArray w = m.randomNormal(new Shape(5, 4, 3, 3));
      NDArray b = m.randomNormal(new Shape(5));
      NDArray imageByImage = Ops.conv2d(x, w, b);
      NDArray strided = Ops.conv2dStride2(x, w, b);
      w.setRequiresGradient(true);
      assertTrue(Ops.conv2d(x, w, b).allClose(imageByImage, 1e-5, 1e-5, false));
      assertTrue(Ops.conv2dStride2(x, w, b).allClose(strided, 1e-5, 1e-5, false));
    }
  }
}
