package org.hartbatch.worker.render;

import java.util.List;

/**
 * Turns a batch of jobs that share a model revision and resolution into pixels. Called from one
 * thread at a time; {@link #load()} is called once before the first {@link #render}.
 */
public interface Renderer extends AutoCloseable {

  /** Loads weights and warms up; may take long. */
  void load() throws Exception;

  /** What this renderer serves; fixed once {@link #load()} returned. */
  ModelInfo model();

  /**
   * Renders every row of {@code rows}, in order.
   *
   * @return one result per row, same order: an image, or the reason that row alone failed
   * @throws RenderException when the batch as a whole failed; the caller splits the batch to find
   *     the rows that cause it
   */
  List<RenderResult> render(List<RenderRequest> rows) throws RenderException;

  @Override
  default void close() {}
}
