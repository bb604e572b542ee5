package org.hartbatch.store;

/**
 * A successful write.
 *
 * @param bucket the bucket
 * @param key the object key
 * @param sha256 lowercase hex SHA-256 of the stored bytes
 * @param byteSize size of the stored bytes
 * @param outcome whether this call wrote the object
 * @param attempts attempts it took, 1 when nothing failed
 */
public record PutResult(
    String bucket, String key, String sha256, long byteSize, Outcome outcome, int attempts) {

  public enum Outcome {
    /** This call created the object. */
    CREATED,
    /** An identical object was already stored (an earlier attempt wrote it); nothing changed. */
    ALREADY_EXISTED,
    /** This call replaced whatever was stored under the key (unconditional writes only). */
    WRITTEN
  }
}
