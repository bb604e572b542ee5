package org.hartbatch.hart.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class RuntimeConfigTest {

  @Test
  void theCpuRunsFloat32() {
    RuntimeConfig c = RuntimeConfig.of("cpu", "auto");
    assertEquals(Device.cpu(), c.device());
    assertEquals(DataType.FLOAT32, c.computeType());
    // This machine has no GPU, so auto picks the CPU.
    assertEquals(RuntimeConfig.cpu(), RuntimeConfig.of("auto", "auto"));
  }

  @Test
  void aGpuDefaultsToFloat32AndTakesFloat16OnRequest() {
    assertEquals(
        new RuntimeConfig(Device.gpu(1), DataType.FLOAT32),
        RuntimeConfig.of("gpu:1", "auto", 2, d -> false));
    assertEquals(
        new RuntimeConfig(Device.gpu(1), DataType.FLOAT16),
        RuntimeConfig.of("gpu:1", "fp16", 2, d -> false));
    assertEquals(
        RuntimeConfig.of("gpu:0", "auto", 1, d -> false),
        RuntimeConfig.of("auto", "auto", 1, d -> false));
  }

  @Test
  void aGpuTheEngineDoesNotSeeIsRefusedWithTheReason() {
    // This machine's engine (pytorch-native-cpu) sees no GPU: the real check, not a stub.
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> RuntimeConfig.of("gpu", "auto"));
    assertTrue(none.getMessage().contains("hart.device=gpu"), none.getMessage());
    assertTrue(none.getMessage().contains("sees no CUDA device"), none.getMessage());
    assertTrue(none.getMessage().contains("CUDA_VISIBLE_DEVICES="), none.getMessage());
    IllegalArgumentException second =
        assertThrows(
            IllegalArgumentException.class,
            () -> RuntimeConfig.of("cuda:1", "fp32", 1, d -> false));
    assertTrue(second.getMessage().contains("sees 1 CUDA device(s)"), second.getMessage());
    assertTrue(second.getMessage().contains("cannot make a tensor on gpu(1)"), second.getMessage());
    assertEquals(RuntimeConfig.cpu(), RuntimeConfig.of("auto", "fp32", 0, d -> true));
  }

  @Test
  void aGpuTheCountMissedIsTakenWhenATensorCanBeMadeThere() {
    // DJL counts GPUs through the CUDA runtime (JNA); libtorch may still have CUDA when that fails.
    assertEquals(
        new RuntimeConfig(Device.gpu(), DataType.FLOAT32),
        RuntimeConfig.of("gpu", "auto", 0, d -> d.equals(Device.gpu())));
  }

  @Test
  void unsupportedChoicesAreRejectedWithTheProperty() {
    IllegalArgumentException bf16 =
        assertThrows(
            IllegalArgumentException.class, () -> RuntimeConfig.of("gpu", "bf16", 1, d -> false));
    assertTrue(bf16.getMessage().contains("hart.precision=bf16"), bf16.getMessage());
    IllegalArgumentException cpuHalf =
        assertThrows(IllegalArgumentException.class, () -> RuntimeConfig.of("cpu", "fp16"));
    assertTrue(cpuHalf.getMessage().contains("needs a GPU"), cpuHalf.getMessage());
    IllegalArgumentException device =
        assertThrows(IllegalArgumentException.class, () -> RuntimeConfig.of("tpu", "auto"));
    assertTrue(device.getMessage().contains("hart.device='tpu'"), device.getMessage());
  }
}
