package org.hartbatch.hart.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in which precision the networks run. fp32 on CPU; fp16 on CUDA. bf16 is refused because
 * DJL's PyTorch engine aborts the JVM on bfloat16 tensors (bf16 checkpoints are widened when loaded
 * instead).
 *
 * <p>System properties: {@code hart.device} = {@code auto} (default: the first GPU if there is one,
 * else CPU), {@code cpu}, {@code gpu} or {@code gpu:N}; {@code hart.precision} = {@code auto}
 * (default: fp16 on GPU, fp32 on CPU), {@code fp32} or {@code fp16}.
 */
public record RuntimeConfig(Device device, DataType computeType) {

  public RuntimeConfig {
    if (computeType != DataType.FLOAT32 && computeType != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "compute type " + computeType + " is not supported: use fp32 or fp16");
    }
    if (computeType == DataType.FLOAT16 && !device.isGpu()) {
      throw new IllegalArgumentException(
          "hart.precision=fp16 needs a GPU device; the CPU engine runs fp32");
    }
  }

  /** fp32 on the CPU. */
  public static RuntimeConfig cpu() {
    return new RuntimeConfig(Device.cpu(), DataType.FLOAT32);
  }

  public static RuntimeConfig fromSystemProperties() {
    return of(
        System.getProperty("hart.device", "auto"), System.getProperty("hart.precision", "auto"));
  }

  public static RuntimeConfig of(String device, String precision) {
    Device chosen = parseDevice(device.trim().toLowerCase(Locale.ROOT));
    return new RuntimeConfig(
        chosen, parsePrecision(precision.trim().toLowerCase(Locale.ROOT), chosen));
  }

  private static Device parseDevice(String value) {
    if (value.equals("auto")) {
      return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
    if (value.equals("cpu")) {
      return Device.cpu();
    }
    if (value.equals("gpu") || value.equals("cuda")) {
      return Device.gpu();
    }
    if (value.matches("(gpu|cuda):\\d+")) {
      return Device.gpu(Integer.parseInt(value.substring(value.indexOf(':') + 1)));
    }
    throw new IllegalArgumentException(
        "hart.device='" + value + "' is not one of auto, cpu, gpu, gpu:N");
  }

  private static DataType parsePrecision(String value, Device device) {
    return switch (value) {
      case "auto" -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
      case "fp32", "float32" -> DataType.FLOAT32;
      case "fp16", "float16", "half" -> DataType.FLOAT16;
      case "bf16", "bfloat16" ->
          throw new IllegalArgumentException(
              "hart.precision=bf16 is not supported: DJL's PyTorch engine aborts on bfloat16;"
                  + " bf16 checkpoints are widened on load, run them in fp32 or fp16");
      default ->
          throw new IllegalArgumentException(
              "hart.precision='" + value + "' is not one of auto, fp32, fp16");
    };
  }

  /** A root manager on this device, for weights that live as long as the model. */
  public NDManager newModelManager() {
    return NDManager.newBaseManager(device);
  }
}
