package org.hartbatch.hart.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParametersTest {

  @Test
  void everyProblemIsNamedInOneError(@TempDir Path tmp) throws Exception {
    Path file =
        new TestWeights()
            .add("net.a.weight", 2, 3)
            .add("net.b.weight", 4)
            .add("net.stray", 1)
            .add("net.buffer", 1)
            .write(tmp.resolve("w.safetensors"));
    try (WeightSource source = SafeTensorsWeights.open(file);
        NDManager manager = NDManager.newBaseManager()) {
      Parameters p =
          new Parameters(
              source.withPrefix("net."), manager, DataType.FLOAT32, n -> n.equals("buffer"));
      assertArrayEquals(new long[] {2, 3}, p.get("a.weight", 2, 3).getShape().getShape());
      p.scope("b").get("weight", 5);
      p.get("c.bias", 7);
      CheckpointException e = assertThrows(CheckpointException.class, p::finish);
      String m = e.getMessage();
      assertTrue(m.contains("missing (1): c.bias (7)"), m);
      assertTrue(m.contains("b.weight is (4) but the config implies (5)"), m);
      assertTrue(m.contains("unexpected (1): stray"), m);
      assertTrue(!m.contains("buffer") && !m.contains("a.weight"), m);
    }
  }

  @Test
  void aCompleteBindingFinishesQuietly(@TempDir Path tmp) throws Exception {
    Path file = new TestWeights().add("w", 3).write(tmp.resolve("w.safetensors"));
    try (WeightSource source = SafeTensorsWeights.open(file);
        NDManager manager = NDManager.newBaseManager()) {
      Parameters p = new Parameters(source, manager, DataType.FLOAT32, n -> false);
      p.get("w", 3);
      assertDoesNotThrow(p::finish);
    }
  }
}
