package org.hartbatch.ingest.catalog;

import java.util.Map;

/**
 * Metadata entries ingest adds to every job, echoed by the completion events, so results can point
 * back to the catalog line and to the client's own id.
 */
public final class CatalogLineMetadata {

  /** The 1-based catalog line of the job. */
  public static final String LINE = "hartbatch.line";

  /** The {@code id} the catalog line gave the job. */
  public static final String CLIENT_ID = "hartbatch.id";

  private CatalogLineMetadata() {}

  /** The catalog line in {@code metadata}, or {@code null}. */
  public static Long line(Map<String, String> metadata) {
    String line = metadata.get(LINE);
    try {
      return line == null ? null : Long.valueOf(line);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The client's id in {@code metadata}, or {@code null}. */
  public static String clientId(Map<String, String> metadata) {
    return metadata.get(CLIENT_ID);
  }
}
