package org.hartbatch.ingest.catalog;

/** The catalog as a whole cannot be read, e.g. its CSV header names an unknown column. */
public final class CatalogFormatException extends Exception {
  public CatalogFormatException(String message) {
    super(message);
  }
}
