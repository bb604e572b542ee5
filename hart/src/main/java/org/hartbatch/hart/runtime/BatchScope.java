package org.hartbatch.hart.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * The native memory of one batch. Every array created on this thread while the scope is open, in
 * any manager, is freed when it closes, except those handed out with {@link #keep}. Weights are
 * created before the scope and are not touched.
 *
 * <pre>{@code
 * try (BatchScope batch = BatchScope.open(modelManager)) {
 *   NDArray images = batch.keep(vae.decodeToUnitRange(latent), resultManager);
 * }
 * }</pre>
 */
public final class BatchScope implements AutoCloseable {
  private final NDManager manager;
  private final NDScope scope;

  private BatchScope(NDManager manager, NDScope scope) {
    this.manager = manager;
    this.scope = scope;
  }

  public static BatchScope open(NDManager parent) {
    NDScope scope = new NDScope();
    return new BatchScope(parent.newSubManager(), scope);
  }

  /** A manager for the batch's inputs; closed with the scope. */
  public NDManager manager() {
    return manager;
  }

  /** Moves {@code array} out of the batch into {@code owner}, so it survives {@link #close}. */
  public NDArray keep(NDArray array, NDManager owner) {
    NDScope.unregister(array);
    array.attach(owner);
    return array;
  }

  @Override
  public void close() {
    scope.close();
    manager.close();
  }
}
