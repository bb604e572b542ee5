package org.hartbatch.hart.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/** Work whose intermediate arrays are freed as soon as it returns, not when its caller is done. */
public final class Scoped {

  private Scoped() {}

  /**
   * Runs {@code work} in its own {@link NDScope}: every array it creates on this thread is freed
   * when it returns, except its result (may be null), which goes to the caller's scope, if any.
   */
  public static NDArray result(Supplier<NDArray> work) {
    NDArray result;
    try (NDScope scope = new NDScope()) {
      result = work.get();
      if (result != null) {
        NDScope.unregister(result);
      }
    }
    if (result != null) {
      NDScope.register(result);
    }
    return result;
  }
}
