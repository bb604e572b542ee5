package org.hartbatch.ingest.catalog;

import java.time.Instant;

/** Catalog settings for tests and benchmarks. */
public final class Catalogs {

  private Catalogs() {}

  /** The service's defaults: the default model, seeds derived from catalog and line. */
  public static CatalogDefaults defaults(String catalogId, Instant submittedAt) {
    return new CatalogDefaults(
        catalogId,
        "hart-0.7b-1024px",
        null,
        null,
        null,
        SeedPolicy.DERIVED,
        0L,
        null,
        null,
        submittedAt);
  }
}
