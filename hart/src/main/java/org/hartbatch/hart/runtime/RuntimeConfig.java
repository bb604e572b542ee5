package org.hartbatch.hart.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Where and in which precision the networks run: fp32 unless fp16 is asked for (on CUDA only). bf16
 * is refused because DJL's PyTorch engine aborts the JVM on bfloat16 tensors (bf16 checkpoints are
 * widened when loaded instead).
 *
 * <p>System properties: {@code hart.device} = {@code auto} (default: the first GPU if there is one,
 * else CPU), {@code cpu}, {@code gpu} or {@code gpu:N}; {@code hart.precision} = {@code auto}
 * (default: fp32), {@code fp32} or {@code fp16} (GPU only).
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

  /**
   * Parses the two settings against the GPUs the PyTorch engine sees. Naming a GPU that the engine
   * does not see fails here, with the reason, rather than at the first tensor.
   */
  public static RuntimeConfig of(String device, String precision) {
    return of(
        device, precision, Engine.getEngine("PyTorch").getGpuCount(), RuntimeConfig::deviceWorks);
  }

  /**
   * @param visibleGpus the GPUs the engine reports (DJL asks the CUDA runtime through JNA)
   * @param probe whether a tensor can be made on a device; asked about a GPU beyond {@code
   *     visibleGpus} before refusing it, in case the count could not be read while libtorch itself
   *     has CUDA
   */
  static RuntimeConfig of(
      String device, String precision, int visibleGpus, Predicate<Device> probe) {
    Device chosen = parseDevice(device.trim().toLowerCase(Locale.ROOT), visibleGpus, probe);
    return new RuntimeConfig(
        chosen, parsePrecision(precision.trim().toLowerCase(Locale.ROOT), chosen));
  }

  private static boolean deviceWorks(Device device) {
    try (NDManager manager = NDManager.newBaseManager(device)) {
      return manager.zeros(new Shape(1)).toFloatArray().length == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Device parseDevice(String value, int visibleGpus, Predicate<Device> probe) {
    Device device = parseDeviceName(value, visibleGpus);
    if (device.isGpu() && device.getDeviceId() >= visibleGpus && !probe.test(device)) {
      String cudaVisible = System.getenv("CUDA_VISIBLE_DEVICES");
      throw new IllegalArgumentException(
          "hart.device="
              + value
              + " but the PyTorch engine sees "
              + (visibleGpus == 0 ? "no CUDA device" : visibleGpus + " CUDA device(s)")
              + " and cannot make a tensor on "
              + device
              + " (CUDA_VISIBLE_DEVICES="
              + (cudaVisible == null ? "unset" : "'" + cudaVisible + "'")
              + "; a CPU-only libtorch, e.g. the default pytorch-native-cpu, sees none):"
              + " use hart.device=cpu, or auto to take a GPU only when there is one");
    }
    return device;
  }

  private static Device parseDeviceName(String value, int visibleGpus) {
    if (value.equals("auto")) {
      return visibleGpus > 0 ? Device.gpu() : Device.cpu();
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
      // fp16 is opt-in: on an H200 it drew builtin:shapes' captions right far less often than
      // fp32 (docs/benchmarks.md, GPU section), so the default keeps the pictures right.
      case "auto" -> DataType.FLOAT32;
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
