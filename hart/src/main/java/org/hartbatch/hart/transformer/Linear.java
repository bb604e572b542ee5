package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.hartbatch.hart.io.Parameters;

/**
 * {@code y = x W^T + b} with the state dict's {@code [out, in]} weight; {@code bias} may be null.
 *
 * <p>Batch invariance: a request must get bit-identical activations whatever else shares its batch,
 * because the last stage's diffusion step amplifies differences about 2e4-fold. CPU BLAS picks its
 * GEMM kernel by the row count, and row counts below about a dozen get kernels whose results differ
 * from the large-row kernel (measured with libtorch's MKL: 1, 2, 3, 5, 6, 7, 9, 10, 11 rows differ;
 * 4, 8 and 12 or more agree). So a {@code [G, n, in]} input with fewer than {@link
 * #MIN_SHARED_ROWS} tokens per row is multiplied row by row (each with n rows, as when it is
 * alone); larger ones go through one GEMM of {@code G n} rows.
 */
public record Linear(NDArray weight, NDArray bias) {
  static final int MIN_SHARED_ROWS = 12;

  /** Binds {@code name.weight} {@code [out, in]} and {@code name.bias} {@code [out]}. */
  static Linear bind(Parameters p, String name, long out, long in) {
    return new Linear(p.get(name + ".weight", out, in), p.get(name + ".bias", out));
  }

  /** Binds {@code name.weight} {@code [out, in]} of a linear without bias. */
  static Linear bindWithoutBias(Parameters p, String name, long out, long in) {
    return new Linear(p.get(name + ".weight", out, in), null);
  }

  public NDArray apply(NDArray x) {
    if (x.getShape().dimension() == 3
        && x.getShape().get(0) > 1
        && x.getShape().get(1) < MIN_SHARED_ROWS) {
      NDList rows = new NDList();
      for (long g = 0; g < x.getShape().get(0); g++) {
        rows.add(gemm(x.get(g)));
      }
      return NDArrays.stack(rows);
    }
    return gemm(x);
  }

  private NDArray gemm(NDArray x) {
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
