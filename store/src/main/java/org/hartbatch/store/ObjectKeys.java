package org.hartbatch.store;

import java.util.StringJoiner;
import org.hartbatch.protocol.OutputFormat;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Sha256;

/**
 * The key layout of images:
 *
 * <pre>[keyPrefix/][jobOutputPrefix/][hash/]catalogId/jobId.ext</pre>
 *
 * where {@code hash} is the first {@code hashPrefixLength} hex characters of SHA-256(jobId), only
 * when that length is above 0. A catalog's images then share one "folder" unless hashing is on,
 * which spreads writes over up to 16^n key prefixes for request rates beyond S3's per-prefix
 * limits.
 */
public final class ObjectKeys {

  private final String keyPrefix;
  private final int hashPrefixLength;

  public ObjectKeys(String keyPrefix, int hashPrefixLength) {
    this.keyPrefix = keyPrefix;
    this.hashPrefixLength = hashPrefixLength;
  }

  public static ObjectKeys of(StoreConfig config) {
    return new ObjectKeys(config.keyPrefix(), config.hashPrefixLength());
  }

  /** The key of {@code job}'s image. */
  public String imageKey(RenderJob job) {
    return imageKey(job.outputPrefix(), job.catalogId(), job.jobId(), job.outputFormat());
  }

  /** The key of a job's image; {@code outputPrefix} may be {@code null}. */
  public String imageKey(String outputPrefix, String catalogId, String jobId, OutputFormat format) {
    StringJoiner key = prefixes(outputPrefix);
    if (hashPrefixLength > 0) {
      key.add(Sha256.hex(jobId).substring(0, hashPrefixLength));
    }
    return key.add(catalogId).add(jobId + "." + format.extension()).toString();
  }

  /** The key of a catalog-level file such as a gallery page, next to the catalog's images. */
  public String catalogFileKey(String outputPrefix, String catalogId, String fileName) {
    return prefixes(outputPrefix).add(catalogId).add(fileName).toString();
  }

  private StringJoiner prefixes(String outputPrefix) {
    StringJoiner key = new StringJoiner("/");
    if (!keyPrefix.isEmpty()) {
      key.add(keyPrefix);
    }
    if (outputPrefix != null && !outputPrefix.isEmpty()) {
      key.add(outputPrefix);
    }
    return key;
  }
}
