package org.hartbatch.ingest.enqueue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Catalog ids for submissions that do not name one. */
public final class CatalogIds {

  private CatalogIds() {}

  /** The same key always names the same catalog, so repeating a request repeats nothing. */
  public static String fromIdempotencyKey(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("idempotency-key\0" + key).getBytes(StandardCharsets.UTF_8));
      return "k-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** A fresh id for a submission without catalog id or idempotency key. */
  public static String fresh() {
    return "c-" + UUID.randomUUID();
  }
}
