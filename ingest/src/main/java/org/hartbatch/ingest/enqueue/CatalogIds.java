package org.hartbatch.ingest.enqueue;

import java.util.UUID;
import org.hartbatch.protocol.Sha256;

/** Catalog ids for submissions that do not name one. */
public final class CatalogIds {

  private CatalogIds() {}

  /** The same key always names the same catalog, so repeating a request repeats nothing. */
  public static String fromIdempotencyKey(String key) {
    return "k-" + Sha256.hex("idempotency-key\0" + key).substring(0, 32);
  }

  /** A fresh id for a submission without catalog id or idempotency key. */
  public static String fresh() {
    return "c-" + UUID.randomUUID();
  }
}
