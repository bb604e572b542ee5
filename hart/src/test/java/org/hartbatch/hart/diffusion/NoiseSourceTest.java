package org.hartbatch.hart.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseSourceTest {

  @Test
  void aPromptGetsTheSameNoiseWhateverItsBatch() {
    try (NDManager m = NDManager.newBaseManager()) {
      SeededNoise pair = new SeededNoise(new long[] {5, 7}, 3);
      SeededNoise alone = new SeededNoise(new long[] {7}, 3);
      NDArray first = pair.gaussian(m, new Shape(6, 4));
      NDArray guided = pair.gaussian(m, new Shape(12, 4));
      NDArray aloneFirst = alone.gaussian(m, new Shape(3, 4));
      NDArray aloneGuided = alone.gaussian(m, new Shape(6, 4));
      assertArrayEquals(aloneFirst.toFloatArray(), first.get(new NDIndex("3:6")).toFloatArray());
      // Guided draws are [cond rows of every prompt ; uncond rows of every prompt].
      assertArrayEquals(
          aloneGuided.get(new NDIndex("0:3")).toFloatArray(),
          guided.get(new NDIndex("3:6")).toFloatArray());
      assertArrayEquals(
          aloneGuided.get(new NDIndex("3:6")).toFloatArray(),
          guided.get(new NDIndex("9:12")).toFloatArray());
    }
  }

  @Test
  void shapesThatDoNotSplitIntoPromptsAreRejected() {
    try (NDManager m = NDManager.newBaseManager()) {
      SeededNoise noise = new SeededNoise(new long[] {1, 2}, 3);
      assertThrows(IllegalArgumentException.class, () -> noise.gaussian(m, new Shape(5, 4)));
    }
  }

  @Test
  void recordedNoiseRefusesAWrongShapeOrAnExtraDraw() {
    try (NDManager m = NDManager.newBaseManager()) {
      RecordedNoise noise = new RecordedNoise(List.of(m.zeros(new Shape(2, 2))));
      assertThrows(IllegalStateException.class, () -> noise.gaussian(m, new Shape(2, 3)));
      RecordedNoise once = new RecordedNoise(List.of(m.zeros(new Shape(2, 2))));
      once.gaussian(m, new Shape(2, 2));
      assertThrows(IllegalStateException.class, () -> once.gaussian(m, new Shape(2, 2)));
    }
  }
}
