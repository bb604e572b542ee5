package org.hartbatch.ingest.catalog;

import java.util.Locale;

/** How a catalog is written: one JSON object per line, or CSV with a header row. */
public enum CatalogFormat {
  JSONL,
  CSV;

  /** The format a request's media type names, or {@code null} when it names none of them. */
  public static CatalogFormat ofMediaType(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    String type = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/x-ndjson", "application/jsonl", "application/x-jsonlines" -> JSONL;
      case "text/csv" -> CSV;
      default -> null;
    };
  }

  /** The format a file name's extension names, or {@code null}. */
  public static CatalogFormat ofFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return JSONL;
    }
    return lower.endsWith(".csv") ? CSV : null;
  }

  public String mediaType() {
    return this == JSONL ? "application/x-ndjson" : "text/csv";
  }
}
