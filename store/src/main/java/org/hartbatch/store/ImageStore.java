package org.hartbatch.store;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Sha256;
import org.hartbatch.store.PutResult.Outcome;
import org.hartbatch.store.StoreException.Kind;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Images and other files of HART Batch in one S3 bucket.
 *
 * <p>Image writes are idempotent: {@link #putImage} creates the object only if the key is free
 * ({@code If-None-Match: *}); when it is taken by the same bytes (same SHA-256) the write counts as
 * done, otherwise it fails with {@link Kind#CONFLICT}. Every write sends the SHA-256 of its bytes
 * as the S3 checksum and stores it as metadata; every read checks the bytes against it.
 *
 * <p>Transient failures are retried by this class (the SDK's own retries are off) with bounded
 * exponential backoff and jitter; a call that still fails completes exceptionally with a {@link
 * StoreException} telling whether it is retriable. All methods are non-blocking except {@link
 * #presignGet}, which does no I/O. Returned futures may complete on the HTTP client's I/O threads,
 * so stages that depend on them must not block.
 */
public final class ImageStore implements AutoCloseable {

  /** User metadata name of the SHA-256 of the object's bytes. */
  public static final String SHA256_METADATA = "sha256";

  /** S3's limit on user metadata, counted here conservatively with the header prefix. */
  public static final int S3_METADATA_LIMIT_BYTES = 2048;

  private static final String METADATA_HEADER_PREFIX = "x-amz-meta-";

  private final StoreConfig config;
  private final S3AsyncClient s3;
  private final SdkAsyncHttpClient http;
  private final SignedPuts signedPuts;
  private final S3Presigner presigner;
  private final ObjectKeys keys;
  private final String endpointName;
  private volatile boolean bucketSeen;

  private ImageStore(
      StoreConfig config,
      S3AsyncClient s3,
      SdkAsyncHttpClient http,
      SignedPuts signedPuts,
      S3Presigner presigner) {
    this.config = config;
    this.s3 = s3;
    this.http = http;
    this.signedPuts = signedPuts;
    this.presigner = presigner;
    this.keys = ObjectKeys.of(config);
    this.endpointName =
        config.endpoint() == null ? "S3 " + config.region() : config.endpoint().toString();
  }

  public static ImageStore create(StoreConfig config) {
    return create(config, builder -> {});
  }

  /**
   * A store whose S3 client is further adjusted by {@code customizer}, e.g. to add execution
   * interceptors for metrics.
   */
  public static ImageStore create(StoreConfig config, Consumer<S3AsyncClientBuilder> customizer) {
    return create(
        config,
        NettyNioAsyncHttpClient.builder().connectionTimeout(config.connectTimeout()).build(),
        customizer);
  }

  /**
   * A store that sends its requests through {@code http}, which it closes when it is closed (or at
   * once when the store cannot be created), with its S3 client further adjusted by {@code
   * customizer}.
   */
  public static ImageStore create(
      StoreConfig config, SdkAsyncHttpClient http, Consumer<S3AsyncClientBuilder> customizer) {
    try {
      return assemble(config, http, customizer);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  private static ImageStore assemble(
      StoreConfig config, SdkAsyncHttpClient http, Consumer<S3AsyncClientBuilder> customizer) {
    AwsCredentialsProvider credentials =
        config.accessKeyId() == null
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
    S3AsyncClientBuilder builder =
        S3AsyncClient.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(config.pathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .httpClient(http)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(config.attemptTimeout()));
    S3Presigner.Builder presigner =
        S3Presigner.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
      presigner.endpointOverride(config.endpoint());
    }
    customizer.accept(builder);
    SignedPuts signedPuts =
        config.putClient() == StoreConfig.PutClient.SIGNED
            ? new SignedPuts(http, credentials, config)
            : null;
    return new ImageStore(config, builder.build(), http, signedPuts, presigner.build());
  }

  public StoreConfig config() {
    return config;
  }

  public ObjectKeys keys() {
    return keys;
  }

  /**
   * Stores the image of {@code job} under its key ({@link ObjectKeys#imageKey(RenderJob)}),
   * idempotently.
   */
  public CompletableFuture<PutResult> putImage(RenderJob job, String modelRevision, byte[] image) {
    return putImage(
        keys.imageKey(job),
        image,
        job.outputFormat().contentType(),
        ImageMetadata.of(job, modelRevision).toUserMetadata());
  }

  /**
   * Creates {@code key} with {@code bytes} unless it exists. An existing object with the same
   * SHA-256 completes as {@link Outcome#ALREADY_EXISTED}; one with other content fails with {@link
   * Kind#CONFLICT}.
   */
  public CompletableFuture<PutResult> putImage(
      String key, byte[] bytes, String contentType, Map<String, String> metadata) {
    return put(key, bytes, contentType, metadata, true);
  }

  /** Writes {@code key} whatever is there, e.g. a gallery page that is regenerated. */
  public CompletableFuture<PutResult> putObject(
      String key, byte[] bytes, String contentType, Map<String, String> metadata) {
    return put(key, bytes, contentType, metadata, false);
  }

  /** {@link #putObject} of UTF-8 text, e.g. {@code text/html; charset=utf-8}. */
  public CompletableFuture<PutResult> putText(String key, String text, String contentType) {
    return putObject(key, text.getBytes(StandardCharsets.UTF_8), contentType, Map.of());
  }

  /** What is stored under {@code key}; empty when nothing is. */
  public CompletableFuture<Optional<StoredObject>> head(String key) {
    return withRetries(
        "head",
        key,
        attempt ->
            s3.headObject(r -> r.bucket(config.bucket()).key(key))
                .thenApply(response -> Optional.of(storedObject(key, response)))
                .exceptionallyCompose(
                    error -> {
                      Throwable cause = Failures.unwrap(error);
                      if (Failures.status(cause) != 404) {
                        return CompletableFuture.failedFuture(cause);
                      }
                      // A HEAD response has no body, so a missing bucket also reads as 404.
                      return requireBucket().thenApply(ok -> Optional.empty());
                    }));
  }

  /** Whether anything is stored under {@code key}. */
  public CompletableFuture<Boolean> exists(String key) {
    return head(key).thenApply(Optional::isPresent);
  }

  /**
   * Reads {@code key}, checking its bytes against the SHA-256 recorded at write time; fails with
   * {@link Kind#NOT_FOUND} when there is no such object and {@link Kind#CHECKSUM_MISMATCH} when the
   * bytes differ.
   */
  public CompletableFuture<StoredBytes> get(String key) {
    return withRetries(
        "get",
        key,
        attempt ->
            s3.getObject(
                    r -> r.bucket(config.bucket()).key(key).checksumMode(ChecksumMode.ENABLED),
                    AsyncResponseTransformer.toBytes())
                .thenApply(response -> verified(key, response, attempt)));
  }

  /**
   * A URL that lets its holder GET {@code key} until it expires.
   *
   * @throws IllegalArgumentException when {@code expiry} is not positive or exceeds the configured
   *     maximum
   */
  public URL presignGet(String key, Duration expiry) {
    if (!isPositive(expiry) || expiry.compareTo(config.maxPresignExpiry()) > 0) {
      throw new IllegalArgumentException(
          "presigned URL expiry must be positive and at most "
              + config.maxPresignExpiry()
              + " (hartbatch.store.presign.max-expiry-s), was "
              + expiry);
    }
    return presigner
        .presignGetObject(
            p ->
                p.signatureDuration(expiry)
                    .getObjectRequest(r -> r.bucket(config.bucket()).key(key)))
        .url();
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
    http.close();
  }

  private CompletableFuture<PutResult> put(
      String key,
      byte[] bytes,
      String contentType,
      Map<String, String> metadata,
      boolean createOnly) {
    String sha256 = Sha256.hex(bytes);
    PutObjectRequest request;
    try {
      request = putRequest(key, bytes, sha256, contentType, metadata, createOnly);
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    Outcome written = createOnly ? Outcome.CREATED : Outcome.WRITTEN;
    return withRetries(
        "put",
        key,
        attempt ->
            send(request, bytes)
                .thenApply(
                    ok ->
                        new PutResult(config.bucket(), key, sha256, bytes.length, written, attempt))
                .exceptionallyCompose(
                    error -> {
                      Throwable cause = Failures.unwrap(error);
                      if (!createOnly || Failures.status(cause) != 412) {
                        return CompletableFuture.failedFuture(cause);
                      }
                      return headOnce(key)
                          .thenApply(
                              existing ->
                                  sameOrConflict(key, sha256, bytes.length, existing, attempt));
                    }));
  }

  private CompletableFuture<?> send(PutObjectRequest request, byte[] bytes) {
    return signedPuts == null
        ? s3.putObject(request, AsyncRequestBody.fromBytes(bytes))
        : signedPuts.put(request, bytes);
  }

  private PutObjectRequest putRequest(
      String key,
      byte[] bytes,
      String sha256,
      String contentType,
      Map<String, String> metadata,
      boolean createOnly) {
    Map<String, String> userMetadata = new HashMap<>(metadata);
    userMetadata.put(SHA256_METADATA, sha256);
    checkMetadata(key, userMetadata);
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(config.bucket())
            .key(key)
            .contentType(contentType)
            .contentLength((long) bytes.length)
            .checksumSHA256(Base64.getEncoder().encodeToString(hexToBytes(sha256)))
            .metadata(userMetadata);
    if (createOnly) {
      request.ifNoneMatch("*");
    }
    return request.build();
  }

  /** The size S3's 2 KB limit applies to, counting each header's prefix to be safe. */
  static int userMetadataBytes(Map<String, String> metadata) {
    int bytes = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      bytes +=
          METADATA_HEADER_PREFIX.length() + entry.getKey().length() + entry.getValue().length();
    }
    return bytes;
  }

  private void checkMetadata(String key, Map<String, String> metadata) {
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String name = entry.getKey();
      String value = entry.getValue();
      if (name == null || value == null || !isPrintableAscii(name) || !isPrintableAscii(value)) {
        throw invalidMetadata(
            key, "metadata '" + name + "' must be a non-null printable ASCII name and value");
      }
      // An HTTP header's name is a token and its value has no surrounding blanks; the HTTP
      // client refuses either after the request has been built.
      if (name.isEmpty() || !name.chars().allMatch(ImageStore::isTokenChar)) {
        throw invalidMetadata(
            key,
            "metadata name '"
                + name
                + "' must be an HTTP token: letters, digits and !#$%&'*+-.^_`|~, no spaces");
      }
      if (!value.equals(value.strip())) {
        throw invalidMetadata(
            key, "metadata '" + name + "' has a value that starts or ends with a space");
      }
    }
    int bytes = userMetadataBytes(metadata);
    if (bytes > S3_METADATA_LIMIT_BYTES) {
      throw invalidMetadata(
          key,
          "user metadata takes " + bytes + " bytes, over S3's limit of " + S3_METADATA_LIMIT_BYTES);
    }
  }

  private StoreException invalidMetadata(String key, String reason) {
    return new StoreException(
        Kind.REJECTED,
        config.bucket(),
        key,
        0,
        "put refused for key '" + key + "': " + reason,
        null);
  }

  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isPrintableAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private PutResult sameOrConflict(
      String key, String sha256, long byteSize, HeadObjectResponse existing, int attempt) {
    String storedSha256 = existing.metadata().get(SHA256_METADATA);
    if (sha256.equals(storedSha256)) {
      return new PutResult(
          config.bucket(), key, sha256, byteSize, Outcome.ALREADY_EXISTED, attempt);
    }
    throw new StoreException(
        Kind.CONFLICT,
        config.bucket(),
        key,
        attempt,
        "put failed on bucket '"
            + config.bucket()
            + "', key '"
            + key
            + "': an object with different content already exists (stored SHA-256 "
            + (storedSha256 == null ? "unknown" : storedSha256)
            + ", new "
            + sha256
            + ")",
        null);
  }

  private CompletableFuture<HeadObjectResponse> headOnce(String key) {
    return s3.headObject(r -> r.bucket(config.bucket()).key(key));
  }

  private CompletableFuture<Void> requireBucket() {
    if (bucketSeen) {
      return CompletableFuture.completedFuture(null);
    }
    return s3.headBucket(r -> r.bucket(config.bucket()))
        .handle(
            (ok, error) -> {
              if (error == null) {
                bucketSeen = true;
                return null;
              }
              Throwable cause = Failures.unwrap(error);
              if (Failures.status(cause) == 404) {
                throw new StoreException(
                    Kind.NO_SUCH_BUCKET,
                    config.bucket(),
                    null,
                    1,
                    "the bucket '" + config.bucket() + "' does not exist at " + endpointName,
                    cause);
              }
              throw new CompletionException(cause);
            });
  }

  private StoredObject storedObject(String key, HeadObjectResponse response) {
    return new StoredObject(
        config.bucket(),
        key,
        response.contentLength(),
        response.contentType(),
        response.metadata().get(SHA256_METADATA),
        response.metadata(),
        response.lastModified());
  }

  private StoredBytes verified(String key, ResponseBytes<GetObjectResponse> response, int attempt) {
    GetObjectResponse head = response.response();
    byte[] bytes = response.asByteArray();
    String recorded = head.metadata().get(SHA256_METADATA);
    String actual = Sha256.hex(bytes);
    if (recorded != null && !recorded.equals(actual)) {
      throw new StoreException(
          Kind.CHECKSUM_MISMATCH,
          config.bucket(),
          key,
          attempt,
          "get failed on bucket '"
              + config.bucket()
              + "', key '"
              + key
              + "': the bytes read have SHA-256 "
              + actual
              + " but "
              + recorded
              + " was recorded when they were written",
          null);
    }
    StoredObject object =
        new StoredObject(
            config.bucket(),
            key,
            bytes.length,
            head.contentType(),
            recorded,
            head.metadata(),
            head.lastModified());
    return new StoredBytes(object, bytes);
  }

  /** Runs {@code call} (given the 1-based attempt number) until it succeeds or must give up. */
  private <T> CompletableFuture<T> withRetries(
      String operation, String key, IntFunction<CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(operation, key, call, 1, result);
    return result;
  }

  private <T> void attempt(
      String operation,
      String key,
      IntFunction<CompletableFuture<T>> call,
      int attempt,
      CompletableFuture<T> result) {
    CompletableFuture<T> future;
    try {
      future = call.apply(attempt);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (value, error) -> {
          if (error == null) {
            result.complete(value);
            return;
          }
          Throwable cause = Failures.unwrap(error);
          RetryPolicy retry = config.retry();
          if (!(cause instanceof StoreException)
              && Failures.isTransient(cause)
              && attempt < retry.maxAttempts()) {
            long delayMs = retry.delayAfter(attempt, ThreadLocalRandom.current()).toMillis();
            CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS)
                .execute(() -> attempt(operation, key, call, attempt + 1, result));
          } else {
            result.completeExceptionally(
                Failures.toStoreException(
                    operation, endpointName, config.bucket(), key, cause, attempt));
          }
        });
  }

  private static byte[] hexToBytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static boolean isPositive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }
}
