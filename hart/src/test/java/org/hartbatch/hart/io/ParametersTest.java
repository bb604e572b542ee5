package org.hartbatch.hart.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Test
  void initializedParametersAreCreatedByNameAndBoundArraysAreListedInRequestOrder() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameters p =
          Parameters.initialized(
              manager,
              DataType.FLOAT32,
              (name, shape, m, type) -> m.full(shape, name.length(), type));
      NDArray weight = p.scope("net").get("weight", 2, 2);
      NDArray bias = p.get("bias", 3);
      assertEquals(10f, weight.getFloat(0, 0));
      assertEquals(4f, bias.getFloat(0));
      assertEquals(List.of("net.weight", "bias"), List.copyOf(p.bound().keySet()));
      assertSame(weight, p.bound().get("net.weight"));
      assertDoesNotThrow(p::finish);
    }
  }

  @Test
  void writtenSafetensorsReadBackAndRejectNonFloatTensors(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("out.safetensors");
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      tensors.put("b", manager.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3));
      tensors.put("a", manager.create(new float[] {7}));
      SafeTensorsWriter.write(file, tensors);
      try (WeightSource source = SafeTensorsWeights.open(file)) {
        assertEquals(List.of("b", "a"), List.copyOf(source.tensors().keySet()));
        assertEquals(tensors.get("b"), source.load("b", manager, DataType.FLOAT32));
        assertEquals(tensors.get("a"), source.load("a", manager, DataType.FLOAT32));
      }
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SafeTensorsWriter.write(file, Map.of("ids", manager.create(new long[] {1}))));
      assertTrue(e.getMessage().contains("ids"), e.getMessage());
    }
  }
}
