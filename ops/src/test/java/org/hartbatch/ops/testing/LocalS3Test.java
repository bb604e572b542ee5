package org.hartbatch.ops.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(LocalS3Extension.class)
class LocalS3Test {

  private static final String BUCKET = "harness";
  private static final int MIB = 1024 * 1024;

  @BeforeAll
  static void createBucket(LocalS3 s3) {
    s3.createBucket(BUCKET);
  }

  @Test
  void putHeadGetList(LocalS3 s3) {
    S3Client client = s3.client();
    client.putObject(b -> b.bucket(BUCKET).key("list/a.png"), RequestBody.fromString("aaa"));
    client.putObject(b -> b.bucket(BUCKET).key("list/b.png"), RequestBody.fromString("bbbb"));

    assertEquals(4L, client.headObject(b -> b.bucket(BUCKET).key("list/b.png")).contentLength());
    assertEquals(
        "aaa", client.getObjectAsBytes(b -> b.bucket(BUCKET).key("list/a.png")).asString(UTF_8));
    List<String> keys =
        client.listObjectsV2(b -> b.bucket(BUCKET).prefix("list/")).contents().stream()
            .map(S3Object::key)
            .toList();
    assertEquals(List.of("list/a.png", "list/b.png"), keys);
  }

  @Test
  void keepsUserMetadataAndContentType(LocalS3 s3) {
    s3.client()
        .putObject(
            b ->
                b.bucket(BUCKET)
                    .key("meta.png")
                    .contentType("image/png")
                    .metadata(Map.of("prompt-sha256", "abc123", "seed", "42")),
            RequestBody.fromString("png"));

    var head = s3.client().headObject(b -> b.bucket(BUCKET).key("meta.png"));
    assertEquals(Map.of("prompt-sha256", "abc123", "seed", "42"), head.metadata());
    assertEquals("image/png", head.contentType());
  }

  @Test
  void uploadsInParts(LocalS3 s3) {
    S3Client client = s3.client();
    byte[] first = randomBytes(5 * MIB, 1);
    byte[] second = randomBytes(1234, 2);
    String uploadId =
        client.createMultipartUpload(b -> b.bucket(BUCKET).key("parts.bin")).uploadId();
    String etag1 =
        client
            .uploadPart(
                b -> b.bucket(BUCKET).key("parts.bin").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(first))
            .eTag();
    String etag2 =
        client
            .uploadPart(
                b -> b.bucket(BUCKET).key("parts.bin").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(second))
            .eTag();
    client.completeMultipartUpload(
        b ->
            b.bucket(BUCKET)
                .key("parts.bin")
                .uploadId(uploadId)
                .multipartUpload(
                    m ->
                        m.parts(
                            CompletedPart.builder().partNumber(1).eTag(etag1).build(),
                            CompletedPart.builder().partNumber(2).eTag(etag2).build())));

    byte[] stored = client.getObjectAsBytes(b -> b.bucket(BUCKET).key("parts.bin")).asByteArray();
    assertArrayEquals(concat(first, second), stored);
  }

  @Test
  void asyncClientSplitsLargeUploads(LocalS3 s3) {
    byte[] large = randomBytes(17 * MIB, 3);
    var response =
        s3.asyncClient()
            .putObject(b -> b.bucket(BUCKET).key("large.bin"), AsyncRequestBody.fromBytes(large))
            .join();

    // An ETag ending in -N is how S3 marks an object assembled from N parts.
    assertEquals(true, response.eTag().matches("\"?[0-9a-f]+-\\d+\"?"), response.eTag());
    byte[] stored =
        s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key("large.bin")).asByteArray();
    assertArrayEquals(large, stored);
  }

  @Test
  void conditionalCreateRefusesToOverwrite(LocalS3 s3) {
    S3Client client = s3.client();
    client.putObject(
        b -> b.bucket(BUCKET).key("once.png").ifNoneMatch("*"), RequestBody.fromString("first"));

    S3Exception refused =
        assertThrows(
            S3Exception.class,
            () ->
                client.putObject(
                    b -> b.bucket(BUCKET).key("once.png").ifNoneMatch("*"),
                    RequestBody.fromString("second")));

    assertEquals(412, refused.statusCode());
    assertEquals(
        "first", client.getObjectAsBytes(b -> b.bucket(BUCKET).key("once.png")).asString(UTF_8));
  }

  @Test
  void acceptsTheSdkDefaultChecksums(LocalS3 s3) {
    try (S3Client defaults =
        S3Client.builder()
            .endpointOverride(s3.endpoint())
            .region(Region.of(s3.region()))
            .credentialsProvider(() -> AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()))
            .forcePathStyle(true)
            .build()) {
      defaults.putObject(
          b -> b.bucket(BUCKET).key("crc.bin"), RequestBody.fromBytes(new byte[100]));
      assertEquals(
          100,
          defaults.getObjectAsBytes(b -> b.bucket(BUCKET).key("crc.bin")).asByteArray().length);
    }
  }

  @Test
  void rejectsWrongCredentials(LocalS3 s3) {
    try (S3Client stranger =
        S3Client.builder()
            .endpointOverride(s3.endpoint())
            .region(Region.of(s3.region()))
            .credentialsProvider(() -> AwsBasicCredentials.create(s3.accessKey(), "wrong"))
            .forcePathStyle(true)
            .build()) {
      S3Exception denied =
          assertThrows(S3Exception.class, () -> stranger.listObjectsV2(b -> b.bucket(BUCKET)));
      assertEquals(403, denied.statusCode());
    }
  }

  @Test
  void stopsAndStartsAgainOnTheSamePortWithTheSameObjects() {
    try (LocalS3 s3 = LocalS3.start("outage")) {
      s3.client().putObject(b -> b.bucket("outage").key("k"), RequestBody.fromString("kept"));
      var endpoint = s3.endpoint();

      s3.stop();
      assertThrows(
          SdkClientException.class, () -> s3.client().headObject(b -> b.bucket("outage").key("k")));

      s3.start();
      assertEquals(endpoint, s3.endpoint());
      assertEquals(
          "kept", s3.client().getObjectAsBytes(b -> b.bucket("outage").key("k")).asString(UTF_8));
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = new byte[a.length + b.length];
    System.arraycopy(a, 0, joined, 0, a.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
