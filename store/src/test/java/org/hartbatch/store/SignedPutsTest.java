package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hartbatch.ops.testing.LocalS3;
import org.hartbatch.protocol.Sha256;
import org.hartbatch.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What the signed write sends, checked by a real S3 server. */
class SignedPutsTest {

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
