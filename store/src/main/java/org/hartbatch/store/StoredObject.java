package org.hartbatch.store;

import java.time.Instant;
import java.util.Map;

/**
 * What the store knows of an object without reading it.
 *
 * @param bucket the bucket
 * @param key the object key
 * @param byteSize its size
 * @param contentType its media type
 * @param sha256 lowercase hex SHA-256 of its bytes as recorded at write time, or {@code null} for
 *     objects this store did not write
 * @param userMetadata its {@code x-amz-meta-*} pairs, names in lower case
 * @param lastModified when it was written
 */
public record StoredObject(
    String bucket,
    String key,
    long byteSize,
    String contentType,
    String sha256,
    Map<String, String> userMetadata,
    Instant lastModified) {

  public StoredObject {
    userMetadata = Map.copyOf(userMetadata);
  }
}
