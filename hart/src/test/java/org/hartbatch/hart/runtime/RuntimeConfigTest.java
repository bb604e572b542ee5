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
  void aGpuDefaultsToFloat16() {
    assertEquals(
        new RuntimeConfig(Device.gpu(1), DataType.FLOAT16), RuntimeConfig.of("gpu:1", "auto"));
  }

  @Test
  void unsupportedChoicesAreRejectedWithTheProperty() {
    IllegalArgumentException bf16 =
        assertThrows(IllegalArgumentException.class, () -> RuntimeConfig.of("gpu", "bf16"));
    assertTrue(bf16.getMessage().contains("hart.precision=bf16"), bf16.getMessage());
    IllegalArgumentException cpuHalf =
        assertThrows(IllegalArgumentException.class, () -> RuntimeConfig.of("cpu", "fp16"));
    assertTrue(cpuHalf.getMessage().contains("needs a GPU"), cpuHalf.getMessage());
    IllegalArgumentException device =
        assertThrows(IllegalArgumentException.class, () -> RuntimeConfig.of("tpu", "auto"));
    assertTrue(device.getMessage().contains("hart.device='tpu'"), device.getMessage());
  }
}
