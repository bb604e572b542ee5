package org.hartbatch.store;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and how the image store writes.
 *
 * <p>With no access key the AWS default credentials provider chain is used (environment, profile,
 * container or instance role); static keys are meant for local runs against an S3-compatible
 * server. Read from configuration with {@link #from(Function)}; keys are listed in {@link #PREFIX}.
 *
 * @param endpoint S3 endpoint, or {@code null} for AWS's endpoint of {@code region}
 * @param region signing region, e.g. {@code us-east-1}
 * @param bucket the bucket of all objects
 * @param pathStyle address buckets in the path rather than the host name (local servers need it)
 * @param keyPrefix prefix of every image key, without slashes at the ends; may be empty
 * @param hashPrefixLength hex characters of a hash of the job id put in front of the catalog id in
 *     image keys, 0 to 8; spreads very high request rates over S3 partitions
 * @param accessKeyId static access key, or {@code null} for the default provider chain
 * @param secretAccessKey static secret key, set exactly when {@code accessKeyId} is
 * @param retry retries of transient failures
 * @param attemptTimeout limit of one HTTP attempt
 * @param connectTimeout limit of opening a connection
 * @param maxPresignExpiry longest expiry a presigned URL may be given
 * @param putClient how objects are written: through the SDK's S3 client or as signed HTTP requests
 */
public record StoreConfig(
    URI endpoint,
    String region,
    String bucket,
    boolean pathStyle,
    String keyPrefix,
    int hashPrefixLength,
    String accessKeyId,
    String secretAccessKey,
    RetryPolicy retry,
    Duration attemptTimeout,
    Duration connectTimeout,
    Duration maxPresignExpiry,
    PutClient putClient) {

  /**
   * How PutObject requests are sent; everything else always goes through the SDK's S3 client. Both
   * send the same headers (checksum, metadata, If-None-Match) and are retried alike.
   */
  public enum PutClient {
    /** The SDK's S3 client, with its full per-request pipeline. */
    SDK,
    /**
     * The default: one SigV4-signed request (the SDK's signer) on the same HTTP client, the
     * bucket's endpoint resolved once with the SDK's rules. About half the client CPU of {@link
     * #SDK} per small PUT (docs/benchmarks.md). General purpose buckets only: S3 Express directory
     * buckets need the SDK's session auth.
     */
    SIGNED
  }

  /**
   * Configuration keys: {@code hartbatch.store.endpoint}, {@code .region}, {@code .bucket}, {@code
   * .path-style}, {@code .key-prefix}, {@code .hash-prefix-length}, {@code .access-key-id}, {@code
   * .secret-access-key}, {@code .retry.max-attempts}, {@code .retry.base-delay-ms}, {@code
   * .retry.max-delay-ms}, {@code .attempt-timeout-ms}, {@code .connect-timeout-ms}, {@code
   * .presign.max-expiry-s}, {@code .put-client} ({@code sdk} or {@code signed}).
   */
  public static final String PREFIX = "hartbatch.store.";

  /** S3 refuses presigned URLs valid longer than seven days. */
  public static final Duration S3_MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

  public StoreConfig {
    require(region != null && !region.isBlank(), "region", "is required");
    require(bucket != null && !bucket.isBlank(), "bucket", "is required");
    keyPrefix = keyPrefix == null ? "" : keyPrefix;
    require(
        !keyPrefix.startsWith("/") && !keyPrefix.endsWith("/") && !keyPrefix.contains("//"),
        "key-prefix",
        "must not start or end with '/' nor contain '//', was '" + keyPrefix + "'");
    require(
        hashPrefixLength >= 0 && hashPrefixLength <= 8,
        "hash-prefix-length",
        "must be between 0 and 8, was " + hashPrefixLength);
    require(
        (accessKeyId == null) == (secretAccessKey == null),
        "access-key-id",
        "and secret-access-key must be set together or not at all");
    retry = retry == null ? RetryPolicy.DEFAULT : retry;
    attemptTimeout = attemptTimeout == null ? Duration.ofSeconds(30) : attemptTimeout;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    maxPresignExpiry = maxPresignExpiry == null ? Duration.ofHours(1) : maxPresignExpiry;
    putClient = putClient == null ? PutClient.SIGNED : putClient;
    require(
        isPositive(attemptTimeout) && isPositive(connectTimeout),
        "attempt-timeout-ms",
        "and connect-timeout-ms must be positive");
    require(
        isPositive(maxPresignExpiry) && maxPresignExpiry.compareTo(S3_MAX_PRESIGN_EXPIRY) <= 0,
        "presign.max-expiry-s",
        "must be positive and at most 7 days, was " + maxPresignExpiry);
  }

  /** A local S3-compatible server: path-style addressing and static keys. */
  public static StoreConfig local(
      URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey) {
    return builder()
        .endpoint(endpoint)
        .region(region)
        .bucket(bucket)
        .pathStyle(true)
        .credentials(accessKeyId, secretAccessKey)
        .build();
  }

  /** AWS S3 in {@code region} with the default credentials provider chain. */
  public static StoreConfig aws(String region, String bucket) {
    return builder().region(region).bucket(bucket).build();
  }

  /** Reads the {@link #PREFIX} keys from configuration. */
  public static StoreConfig from(Function<String, Optional<String>> config) {
    Function<String, Optional<String>> get = key -> config.apply(PREFIX + key).map(String::trim);
    RetryPolicy defaults = RetryPolicy.DEFAULT;
    Builder builder =
        builder()
            .endpoint(get.apply("endpoint").map(URI::create).orElse(null))
            .region(get.apply("region").orElse(null))
            .bucket(get.apply("bucket").orElse(null))
            .pathStyle(get.apply("path-style").map(Boolean::parseBoolean).orElse(false))
            .keyLayout(
                get.apply("key-prefix").orElse(""), (int) number(get, "hash-prefix-length", 0))
            .credentials(
                get.apply("access-key-id").orElse(null),
                get.apply("secret-access-key").orElse(null))
            .retry(
                new RetryPolicy(
                    (int) number(get, "retry.max-attempts", defaults.maxAttempts()),
                    Duration.ofMillis(
                        number(get, "retry.base-delay-ms", defaults.baseDelay().toMillis())),
                    Duration.ofMillis(
                        number(get, "retry.max-delay-ms", defaults.maxDelay().toMillis()))));
    optionalNumber(get, "attempt-timeout-ms")
        .map(Duration::ofMillis)
        .ifPresent(builder::attemptTimeout);
    optionalNumber(get, "connect-timeout-ms")
        .map(Duration::ofMillis)
        .ifPresent(builder::connectTimeout);
    optionalNumber(get, "presign.max-expiry-s")
        .map(Duration::ofSeconds)
        .ifPresent(builder::maxPresignExpiry);
    get.apply("put-client").map(StoreConfig::putClient).ifPresent(builder::putClient);
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return builder()
        .endpoint(endpoint)
        .region(region)
        .bucket(bucket)
        .pathStyle(pathStyle)
        .keyLayout(keyPrefix, hashPrefixLength)
        .credentials(accessKeyId, secretAccessKey)
        .retry(retry)
        .attemptTimeout(attemptTimeout)
        .connectTimeout(connectTimeout)
        .maxPresignExpiry(maxPresignExpiry)
        .putClient(putClient);
  }

  /** Builds a {@link StoreConfig}; unset values take the defaults of the record. */
  public static final class Builder {
    private URI endpoint;
    private String region;
    private String bucket;
    private boolean pathStyle;
    private String keyPrefix = "";
    private int hashPrefixLength;
    private String accessKeyId;
    private String secretAccessKey;
    private RetryPolicy retry;
    private Duration attemptTimeout;
    private Duration connectTimeout;
    private Duration maxPresignExpiry;
    private PutClient putClient;

    private Builder() {}

    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    public Builder keyLayout(String keyPrefix, int hashPrefixLength) {
      this.keyPrefix = keyPrefix;
      this.hashPrefixLength = hashPrefixLength;
      return this;
    }

    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.accessKeyId = accessKeyId;
      this.secretAccessKey = secretAccessKey;
      return this;
    }

    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder maxPresignExpiry(Duration maxPresignExpiry) {
      this.maxPresignExpiry = maxPresignExpiry;
      return this;
    }

    public Builder putClient(PutClient putClient) {
      this.putClient = putClient;
      return this;
    }

    public StoreConfig build() {
      return new StoreConfig(
          endpoint,
          region,
          bucket,
          pathStyle,
          keyPrefix,
          hashPrefixLength,
          accessKeyId,
          secretAccessKey,
          retry,
          attemptTimeout,
          connectTimeout,
          maxPresignExpiry,
          putClient);
    }
  }

  /** Keeps the secret key out of logs. */
  @Override
  public String toString() {
    return "StoreConfig[endpoint="
        + (endpoint == null ? "aws" : endpoint)
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", pathStyle="
        + pathStyle
        + ", keyPrefix="
        + keyPrefix
        + ", hashPrefixLength="
        + hashPrefixLength
        + ", credentials="
        + (accessKeyId == null ? "default chain" : "static " + accessKeyId + "/***")
        + ", retry="
        + retry
        + ", putClient="
        + putClient
        + "]";
  }

  private static void require(boolean ok, String key, String reason) {
    if (!ok) {
      throw new IllegalArgumentException(PREFIX + key + " " + reason);
    }
  }

  private static PutClient putClient(String value) {
    for (PutClient client : PutClient.values()) {
      if (client.name().equalsIgnoreCase(value)) {
        return client;
      }
    }
    throw new IllegalArgumentException(
        PREFIX + "put-client must be 'sdk' or 'signed', was '" + value + "'");
  }

  private static long number(Function<String, Optional<String>> get, String key, long fallback) {
    return optionalNumber(get, key).orElse(fallback);
  }

  private static Optional<Long> optionalNumber(Function<String, Optional<String>> get, String key) {
    return get.apply(key)
        .map(
            value -> {
              try {
                return Long.parseLong(value);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    PREFIX + key + " must be an integer, was '" + value + "'", e);
              }
            });
  }

  private static boolean isPositive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }
}
