package org.hartbatch.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Deterministic job ids and seeds. Submitting the same catalog line, or the same client key, again
 * yields the same job id, so a re-submission never renders a second image.
 */
public final class JobIds {

  // one digest per thread: looking up a new one costs more than hashing these few bytes
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Sha256::newDigest);

  private JobIds() {}

  /** The id of the job on line {@code lineNumber} (1-based) of catalog {@code catalogId}. */
  public static String forLine(String catalogId, long lineNumber) {
    return hex32(digest("line", catalogId, Long.toString(lineNumber)));
  }

  /** The id of a job the client named {@code clientKey} (e.g. an idempotency key). */
  public static String forKey(String catalogId, String clientKey) {
    return hex32(digest("key", catalogId, clientKey));
  }

  /** A seed derived from the catalog and the line, for catalogs that leave seeds to the system. */
  public static long seedForLine(String catalogId, long lineNumber) {
    return ByteBuffer.wrap(digest("seed", catalogId, Long.toString(lineNumber))).getLong();
  }

  private static String hex32(byte[] digest) {
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  /** SHA-256 over length-prefixed parts, so that no two part lists share an encoding. */
  private static byte[] digest(String... parts) {
    MessageDigest sha256 = SHA256.get();
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      int length = bytes.length;
      sha256.update((byte) (length >>> 24));
      sha256.update((byte) (length >>> 16));
      sha256.update((byte) (length >>> 8));
      sha256.update((byte) length);
      sha256.update(bytes);
    }
    return sha256.digest();
  }
}
