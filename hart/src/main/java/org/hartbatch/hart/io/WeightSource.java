package org.hartbatch.hart.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors of a checkpoint, whatever the file format. Model classes consume weights by their
 * reference names through {@link Parameters}; this interface only lists and loads them.
 */
public interface WeightSource extends AutoCloseable {

  /** Every tensor the checkpoint holds, in file order. */
  Map<String, TensorInfo> tensors();

  /**
   * Loads one tensor into {@code manager}. Floating-point tensors are converted to {@code
   * floatType} ({@code null} keeps the stored type, except that BF16 is always widened to F32).
   */
  NDArray load(String name, NDManager manager, DataType floatType) throws IOException;

  /** A human-readable origin for error messages, e.g. the file path. */
  String describe();

  @Override
  void close() throws IOException;

  /**
   * The tensors whose names start with {@code prefix}, with the prefix removed. Closing the view
   * does not close this source.
   */
  default WeightSource withPrefix(String prefix) {
    WeightSource outer = this;
    Map<String, TensorInfo> view = new LinkedHashMap<>();
    tensors()
        .forEach(
            (name, info) -> {
              if (name.startsWith(prefix)) {
                String inner = name.substring(prefix.length());
                view.put(inner, new TensorInfo(inner, info.dtype(), info.shape()));
              }
            });
    return new WeightSource() {
      @Override
      public Map<String, TensorInfo> tensors() {
        return view;
      }

      @Override
      public NDArray load(String name, NDManager manager, DataType floatType) throws IOException {
        if (!view.containsKey(name)) {
          throw new CheckpointException(describe() + ": no tensor named '" + name + "'");
        }
        return outer.load(prefix + name, manager, floatType);
      }

      @Override
      public String describe() {
        return outer.describe() + " [" + prefix + "*]";
      }

      @Override
      public void close() {}
    };
  }
}
