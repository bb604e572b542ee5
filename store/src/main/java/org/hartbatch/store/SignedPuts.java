package org.hartbatch.store;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hartbatch.protocol.Sha256;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * PutObject as one SigV4-signed HTTP request on the SDK's HTTP client, without the SDK's per-call
 * pipeline (interceptors, endpoint rules, auth-scheme resolution, marshalling), which costs several
 * times the request itself for small objects. The bucket's endpoint is resolved once with the SDK's
 * own S3 endpoint rules, which also give the signing region and name. Failures look like the SDK's:
 * an {@link S3Exception} with the status and S3 error code, an {@link SdkClientException} around
 * the transport's failure, or a {@link TimeoutException} after the attempt timeout; retries are the
 * caller's.
 *
 * <p>The payload is signed (its SHA-256 is part of the signature) and the request carries the S3
 * checksum header, so both S3 and S3-compatible servers verify the body. The signature is made by
 * {@link SigV4}, which signs as the SDK's {@code AwsV4HttpSigner} does at a fraction of its cost.
 * The returned futures complete on the HTTP client's I/O threads.
 */
final class SignedPuts {

  private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern ERROR_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  private final SdkAsyncHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final URI bucketUri;
  private final String hostHeader;
  private final SigV4 signer;
  private final Duration attemptTimeout;
  private final Clock clock;

  /**
   * @throws IllegalArgumentException when the bucket's endpoint does not take SigV4 (e.g. an S3
   *     Express directory bucket)
   */
  SignedPuts(SdkAsyncHttpClient http, AwsCredentialsProvider credentials, StoreConfig config) {
    this(http, credentials, config, Clock.systemUTC());
  }

  SignedPuts(
      SdkAsyncHttpClient http,
      AwsCredentialsProvider credentials,
      StoreConfig config,
      Clock clock) {
    this.clock = clock;
    this.http = http;
    this.credentials = credentials;
    this.attemptTimeout = config.attemptTimeout();
    S3EndpointParams.Builder params =
        S3EndpointParams.builder()
            .bucket(config.bucket())
            .region(Region.of(config.region()))
            .forcePathStyle(config.pathStyle());
    if (config.endpoint() != null) {
      params.endpoint(config.endpoint().toString());
    }
    Endpoint endpoint;
    try {
      endpoint = S3EndpointProvider.defaultProvider().resolveEndpoint(params.build()).join();
    } catch (CompletionException e) {
      throw new IllegalArgumentException(
          StoreConfig.PREFIX
              + "bucket, endpoint or region: S3 has no endpoint for bucket '"
              + config.bucket()
              + "': "
              + Failures.unwrap(e).getMessage(),
          e);
    }
    this.bucketUri = endpoint.url();
    this.hostHeader =
        SdkHttpUtils.isUsingStandardPort(bucketUri.getScheme(), portOf(bucketUri))
            ? bucketUri.getHost()
            : bucketUri.getHost() + ":" + bucketUri.getPort();
    SigV4AuthScheme signing =
        Optional.ofNullable(endpoint.attribute(AwsEndpointAttribute.AUTH_SCHEMES))
            .orElse(List.of())
            .stream()
            .filter(SigV4AuthScheme.class::isInstance)
            .map(SigV4AuthScheme.class::cast)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        StoreConfig.PREFIX
                            + "put-client=signed needs a bucket that takes SigV4; bucket '"
                            + config.bucket()
                            + "' does not: use put-client=sdk"));
    this.signer = new SigV4(signing.signingRegion(), signing.signingName());
  }

  private static Integer portOf(URI uri) {
    return uri.getPort() < 0 ? null : uri.getPort();
  }

  /** Sends {@code request} with {@code body}; completes normally on a 2xx answer. */
  CompletableFuture<Void> put(PutObjectRequest request, byte[] body) {
    return credentials
        .resolveIdentity()
        .thenCompose(identity -> send(signed(request, body, identity, clock.instant()), body));
  }

  /** The PUT of {@code request}'s object with {@code body}, signed for {@code identity}. */
  SdkHttpRequest signed(
      PutObjectRequest request, byte[] body, AwsCredentialsIdentity identity, Instant now) {
    String path = bucketUri.getRawPath();
    String encodedPath =
        (path.endsWith("/") ? path : path + "/")
            + SdkHttpUtils.urlEncodeIgnoreSlashes(request.key());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Length", Integer.toString(body.length));
    if (request.contentType() != null) {
      headers.put("Content-Type", request.contentType());
    }
    if (request.checksumSHA256() != null) {
      headers.put("x-amz-checksum-sha256", request.checksumSHA256());
    }
    if (request.ifNoneMatch() != null) {
      headers.put("If-None-Match", request.ifNoneMatch());
    }
    for (Map.Entry<String, String> entry : request.metadata().entrySet()) {
      headers.put("x-amz-meta-" + entry.getKey(), entry.getValue());
    }
    Map<String, String> signedHeaders =
        signer.sign("PUT", hostHeader, encodedPath, headers, Sha256.hex(body), identity, now);
    SdkHttpRequest.Builder http =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.PUT)
            .protocol(bucketUri.getScheme())
            .host(bucketUri.getHost())
            .port(bucketUri.getPort() < 0 ? null : bucketUri.getPort())
            .encodedPath(encodedPath);
    signedHeaders.forEach(http::putHeader);
    return http.build();
  }

  private CompletableFuture<Void> send(SdkHttpRequest request, byte[] body) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    CompletableFuture<Void> exchange =
        http.execute(
            AsyncExecuteRequest.builder()
                .request(request)
                .requestContentPublisher(new BytesPublisher(body))
                .responseHandler(new ResponseHandler(result))
                .build());
    exchange.whenComplete(
        (ok, error) -> {
          if (error != null) {
            result.completeExceptionally(transportFailure(error));
          }
        });
    result
        .orTimeout(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, error) -> {
              if (error instanceof TimeoutException) {
                exchange.cancel(true);
              }
            });
    return result;
  }

  /**
   * A failure of the HTTP exchange itself (connection refused or reset, no pooled connection in
   * time), wrapped as the SDK's S3 client would, so it is classified the same way.
   */
  private static SdkClientException transportFailure(Throwable error) {
    Throwable cause = Failures.unwrap(error);
    return SdkClientException.builder()
        .message("the PUT request failed: " + cause)
        .cause(cause)
        .build();
  }

  /** The S3 error an answer with an error status stands for. */
  private static S3Exception error(SdkHttpResponse response, byte[] body) {
    String xml = new String(body, StandardCharsets.UTF_8);
    String code = firstGroup(ERROR_CODE, xml);
    String message = firstGroup(ERROR_MESSAGE, xml);
    return (S3Exception)
        S3Exception.builder()
            .statusCode(response.statusCode())
            .message(message == null ? response.statusText().orElse(null) : message)
            .requestId(response.firstMatchingHeader("x-amz-request-id").orElse(null))
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .serviceName("S3")
                    .sdkHttpResponse(response)
                    .build())
            .build();
  }

  private static String firstGroup(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** Reads the whole (small) answer and completes {@code result} from its status. */
  private static final class ResponseHandler implements SdkAsyncHttpResponseHandler {
    private final CompletableFuture<Void> result;
    private volatile SdkHttpResponse response;

    ResponseHandler(CompletableFuture<Void> result) {
      this.result = result;
    }

    @Override
    public void onHeaders(SdkHttpResponse headers) {
      response = headers;
    }

    @Override
    public void onStream(Publisher<ByteBuffer> stream) {
      stream.subscribe(
          new Subscriber<>() {
            private final ByteArrayOutputStream body = new ByteArrayOutputStream();

            @Override
            public void onSubscribe(Subscription subscription) {
              subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer chunk) {
              byte[] bytes = new byte[chunk.remaining()];
              chunk.get(bytes);
              body.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable error) {
              result.completeExceptionally(transportFailure(error));
            }

            @Override
            public void onComplete() {
              if (response.isSuccessful()) {
                result.complete(null);
              } else {
                result.completeExceptionally(error(response, body.toByteArray()));
              }
            }
          });
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(transportFailure(error));
    }
  }

  /** The request body: one buffer, once per subscription. */
  private static final class BytesPublisher implements SdkHttpContentPublisher {
    private final byte[] bytes;

    BytesPublisher(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public Optional<Long> contentLength() {
      return Optional.of((long) bytes.length);
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
      AtomicBoolean done = new AtomicBoolean();
      subscriber.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {
              if (n <= 0) {
                if (done.compareAndSet(false, true)) {
                  subscriber.onError(
                      new IllegalArgumentException("non-positive request of " + n + " buffers"));
                }
                return;
              }
              if (done.compareAndSet(false, true)) {
                subscriber.onNext(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
                subscriber.onComplete();
              }
            }

            @Override
            public void cancel() {
              done.set(true);
            }
          });
    }
  }
}
