package org.hartbatch.ingest.catalog;

import java.util.List;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Violation;

/** Receives the outcome of every line of a catalog, in order. */
public interface LineSink {

  /** Line {@code lineNumber} (1-based, counting every physical line) became {@code job}. */
  void accept(long lineNumber, RenderJob job);

  /** Line {@code lineNumber} breaks the rules listed in {@code violations}. */
  void reject(long lineNumber, List<Violation> violations);
}
