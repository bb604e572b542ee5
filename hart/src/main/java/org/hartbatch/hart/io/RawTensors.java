package org.hartbatch.hart.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Turns little-endian tensor bytes of a checkpoint dtype into an engine array. */
final class RawTensors {
  private RawTensors() {}

  static int bytesPerElement(String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "F16", "BF16", "I16" -> 2;
      case "U8", "I8", "BOOL" -> 1;
      default -> -1;
    };
  }

  /**
   * Copies {@code raw} into {@code manager} (never aliasing the source, which may be a read-only
   * mapping). BF16 is widened to F32; floating-point tensors are then converted to {@code
   * floatType} unless it is null.
   */
  static NDArray load(
      String origin,
      String name,
      String dtype,
      ByteBuffer raw,
      Shape shape,
      NDManager manager,
      DataType floatType) {
    raw.order(ByteOrder.LITTLE_ENDIAN);
    NDArray staged =
        switch (dtype) {
          case "BF16" -> manager.create(widenBf16(raw), shape);
          case "F64" -> manager.create(raw, shape, DataType.FLOAT64);
          case "F32" -> manager.create(raw, shape, DataType.FLOAT32);
          case "F16" -> manager.create(raw, shape, DataType.FLOAT16);
          case "I64" -> manager.create(raw, shape, DataType.INT64);
          case "I32" -> manager.create(raw, shape, DataType.INT32);
          case "I8" -> manager.create(raw, shape, DataType.INT8);
          case "U8" -> manager.create(raw, shape, DataType.UINT8);
          case "BOOL" -> manager.create(raw, shape, DataType.BOOLEAN);
          default ->
              throw new CheckpointException(
                  origin
                      + ": tensor '"
                      + name
                      + "' has dtype "
                      + dtype
                      + " which cannot be loaded");
        };
    // The source may be a read-only mapping; an in-place op on it would crash the process.
    NDArray array = staged.duplicate();
    staged.close();
    array.setName(name);
    if (floatType != null && array.getDataType().isFloating() && array.getDataType() != floatType) {
      NDArray converted = array.toType(floatType, false);
      converted.setName(name);
      array.close();
      return converted;
    }
    return array;
  }

  private static FloatBuffer widenBf16(ByteBuffer raw) {
    ShortBuffer halves = raw.asShortBuffer();
    FloatBuffer out =
        ByteBuffer.allocateDirect(halves.remaining() * 4)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    while (halves.hasRemaining()) {
      out.put(Float.intBitsToFloat((halves.get() & 0xFFFF) << 16));
    }
    return out.flip();
  }
}
