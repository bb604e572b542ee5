package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.protocol.Sha256;
import org.hartbatch.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What the signed write sends, checked by a real S3 server. */
class SignedPutsTest {

  @Test
  void aBucketThatDoesNotTakeSigV4IsRefusedWhenTheStoreIsCreated() {
    StoreConfig directoryBucket =
        StoreConfig.builder()
            .region("us-west-2")
            .bucket("images--usw2-az1--x-s3")
            .credentials("key", "secret")
            .putClient(StoreConfig.PutClient.SIGNED)
            .build();
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> ImageStore.create(directoryBucket));
    assertTrue(refused.getMessage().contains("use put-client=sdk"), refused.getMessage());
  }

  @Test
  void aStoreThatCannotBeCreatedClosesTheHttpClientItWasGiven() {
    StoreConfig config =
        StoreConfig.builder()
            .region("us-east-1")
            .bucket("images")
            .credentials("key", "secret")
            .putClient(StoreConfig.PutClient.SDK)
            .build();
    ClosingRecorder http = new ClosingRecorder(NettyNioAsyncHttpClient.create());
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () ->
                ImageStore.create(
                    config,
                    http,
                    builder -> {
                      throw new IllegalStateException("customizer refused");
                    }));
    assertEquals("customizer refused", refused.getMessage());
    assertTrue(http.closed, "the http client must be closed when the store is not created");
  }

  private static final class ClosingRecorder implements SdkAsyncHttpClient {
    private final SdkAsyncHttpClient delegate;
    private volatile boolean closed;

    ClosingRecorder(SdkAsyncHttpClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
      return delegate.execute(request);
    }

    @Override
    public void close() {
      closed = true;
      delegate.close();
    }
  }

  @Test
  void bytesThatDoNotMatchTheirChecksumAreRefusedAndNothingIsStored() throws Exception {
    try (LocalS3 s3 = LocalS3.start("images");
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.create()) {
      StoreConfig config = ImageStoreTest.config(s3);
      SignedPuts puts =
          new SignedPuts(
              http,
              StaticCredentialsProvider.create(
                  AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())),
              config);
      byte[] sent = ImageStoreTest.image(30);
      String otherChecksum =
          Base64.getEncoder()
              .encodeToString(HexFormat.of().parseHex(Sha256.hex(ImageStoreTest.image(31))));
      PutObjectRequest request =
          PutObjectRequest.builder()
              .bucket(config.bucket())
              .key("cat-1/damaged.png")
              .checksumSHA256(otherChecksum)
              .build();
      ExecutionException e =
          assertThrows(
              ExecutionException.class, () -> puts.put(request, sent).get(60, TimeUnit.SECONDS));
      S3Exception refused = (S3Exception) e.getCause();
      assertEquals(400, refused.statusCode());
      assertEquals("BadDigest", refused.awsErrorDetails().errorCode());
      StoreException failure =
          Failures.toStoreException("put", "local", config.bucket(), "k", refused, 1);
      assertEquals(Kind.REJECTED, failure.kind());
      assertFalse(failure.retriable());
      assertFalse(
          s3.client().listObjectsV2(r -> r.bucket(config.bucket())).contents().stream()
              .anyMatch(o -> o.key().equals("cat-1/damaged.png")));
    }
  }
}
