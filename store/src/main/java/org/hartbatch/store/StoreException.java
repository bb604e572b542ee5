package org.hartbatch.store;

import org.hartbatch.protocol.events.ErrorCode;

/** A store operation that did not succeed; {@link #retriable()} tells whether trying later may. */
public final class StoreException extends RuntimeException {

  /** What went wrong. */
  public enum Kind {
    /** The store kept failing transiently (5xx, throttling, timeouts, refused connections). */
    UNAVAILABLE,
    /** An object with the key but different content already exists. */
    CONFLICT,
    /** The bucket does not exist. */
    NO_SUCH_BUCKET,
    /** The object does not exist. */
    NOT_FOUND,
    /** The credentials were refused or lack permission. */
    ACCESS_DENIED,
    /** The bytes read do not match the SHA-256 stored with them. */
    CHECKSUM_MISMATCH,
    /** The store refused the request for good, e.g. a malformed request. */
    REJECTED
  }

  private final Kind kind;
  private final String bucket;
  private final String key;
  private final int attempts;

  public StoreException(
      Kind kind, String bucket, String key, int attempts, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.bucket = bucket;
    this.key = key;
    this.attempts = attempts;
  }

  public Kind kind() {
    return kind;
  }

  /** The error code of the {@code job.failed} event for a job whose image this failure lost. */
  public ErrorCode errorCode() {
    return switch (kind) {
      case UNAVAILABLE -> ErrorCode.STORE_UNAVAILABLE;
      case CONFLICT -> ErrorCode.STORE_CONFLICT;
      case NO_SUCH_BUCKET, NOT_FOUND, ACCESS_DENIED, REJECTED -> ErrorCode.STORE_REJECTED;
      case CHECKSUM_MISMATCH -> ErrorCode.INTERNAL;
    };
  }

  /** Only transient failures are worth retrying, later or elsewhere. */
  public boolean retriable() {
    return kind == Kind.UNAVAILABLE;
  }

  public String bucket() {
    return bucket;
  }

  /** The object key, or {@code null} for bucket-level operations. */
  public String key() {
    return key;
  }

  /** Attempts made before giving up. */
  public int attempts() {
    return attempts;
  }
}
