package org.hartbatch.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * PutObject as one SigV4-signed HTTP request on the SDK's HTTP client, without the SDK's per-call
 * pipeline (interceptors, endpoint rules, auth-scheme resolution, marshalling), which costs several
 * times the request itself for small objects. The bucket's endpoint is resolved once with the SDK's
 * own S3 endpoint rules. Failures look like the SDK's: an {@link S3Exception} with the status and
 * S3 error code, an I/O exception from the transport, or a {@link TimeoutException} after the
 * attempt timeout; retries are the caller's.
 *
 * <p>The payload is signed (its SHA-256 is part of the signature) and the request carries the S3
 * checksum header, so both S3 and S3-compatible servers verify the body. The returned futures
 * complete on the HTTP client's I/O threads.
 */
final class SignedPuts {

  private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern ERROR_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  private final SdkAsyncHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final String region;
  private final URI bucketUri;
  private final Duration attemptTimeout;

  SignedPuts(SdkAsyncHttpClient http, AwsCredentialsProvider credentials, StoreConfig config) {
    this.http = http;
    this.credentials = credentials;
    this.region = config.region();
    this.attemptTimeout = config.attemptTimeout();
    S3EndpointParams.Builder params =
        S3EndpointParams.builder()
            .bucket(config.bucket())
            .region(software.amazon.awssdk.regions.Region.of(config.region()))
            .forcePathStyle(config.pathStyle());
    if (config.endpoint() != null) {
      params.endpoint(config.endpoint().toString());
    }
    this.bucketUri =
        S3EndpointProvider.defaultProvider().resolveEndpoint(params.build()).join().url();
  }

  /** Sends {@code request} with {@code body}; completes normally on a 2xx answer. */
  CompletableFuture<Void> put(PutObjectRequest request, byte[] body) {
    return credentials
        .resolveIdentity()
        .thenCompose(identity -> send(sign(httpRequest(request, body), body, identity), body));
  }

  private SdkHttpRequest httpRequest(PutObjectRequest request, byte[] body) {
    String path = bucketUri.getRawPath();
    SdkHttpRequest.Builder http =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.PUT)
            .protocol(bucketUri.getScheme())
            .host(bucketUri.getHost())
            .port(bucketUri.getPort() < 0 ? null : bucketUri.getPort())
            .encodedPath(
                (path.endsWith("/") ? path : path + "/")
                    + SdkHttpUtils.urlEncodeIgnoreSlashes(request.key()))
            .putHeader("Content-Length", Integer.toString(body.length));
    if (request.contentType() != null) {
      http.putHeader("Content-Type", request.contentType());
    }
    if (request.checksumSHA256() != null) {
      http.putHeader("x-amz-checksum-sha256", request.checksumSHA256());
    }
    if (request.ifNoneMatch() != null) {
      http.putHeader("If-None-Match", request.ifNoneMatch());
    }
    for (Map.Entry<String, String> entry : request.metadata().entrySet()) {
      http.putHeader("x-amz-meta-" + entry.getKey(), entry.getValue());
    }
    return http.build();
  }

  private SdkHttpRequest sign(
      SdkHttpRequest request, byte[] body, AwsCredentialsIdentity identity) {
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(identity)
                    .request(request)
                    .payload(() -> new ByteArrayInputStream(body))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    // S3 keys are signed as sent: no second encoding, no dot-segment removal
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false));
    return signed.request();
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
            result.completeExceptionally(error);
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
              result.completeExceptionally(error);
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
      result.completeExceptionally(error);
    }
  }

  /** The request body: one buffer, once per subscription. */
  private static final class BytesPublisher implements SdkHttpContentPublisher {
    private final byte[] bytes;

    BytesPublisher(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public java.util.Optional<Long> contentLength() {
      return java.util.Optional.of((long) bytes.length);
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
