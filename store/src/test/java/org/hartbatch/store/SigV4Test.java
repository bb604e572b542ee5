package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hartbatch.protocol.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The signed PUT's own SigV4 against the SDK's {@code AwsV4HttpSigner}, configured as S3 signs (no
 * second encoding of the path, no normalisation, signed payload): same headers, same signature.
 * That S3 accepts the signature is checked by the store's tests against a real S3 server.
 */
class SigV4Test {

  private static final Instant NOW = Instant.parse("2026-11-26T05:07:09Z");

  record Case(String name, String endpoint, String region, String key, Map<String, String> meta) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("job-id", "cat-1-job-7");
    meta.put("model", "  a  model   with spaces ");
    meta.put("sha256", Sha256.hex("x"));
    return List.of(
        new Case("local, path style", "http://127.0.0.1:19000", "us-east-1", "cat/job.png", meta),
        new Case(
            "awkward key",
            "http://localhost:9000",
            "eu-west-1",
            "out put/ünï cödé+&=?;,$@!'()*~.png",
            Map.of()),
        new Case("AWS, virtual host", null, "us-west-2", "prefix/cat/job-9.png", meta),
        new Case("standard port", "https://minio.example:443", "us-east-1", "a/b.png", meta));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void signsAsTheSdkDoes(Case c) {
    check(c, AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void temporaryCredentialsSignTheirSessionToken(Case c) {
    check(
        c,
        AwsSessionCredentials.create(
            "ASIAEXAMPLE", "secret/with+chars", "FwoGZXIvYXdzEXAMPLE//token=="));
  }

  @Test
  void aHeaderGivenTwiceIsRefused() {
    SigV4 signer = new SigV4("us-east-1", "s3");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "image/png");
    headers.put("content-type", "image/webp");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            signer.sign(
                "PUT",
                "h",
                "/b/k",
                headers,
                Sha256.hex("x"),
                AwsBasicCredentials.create("a", "b"),
                NOW));
  }

  @Test
  void theSigningKeyFollowsTheDayAndTheSecret() {
    SigV4 signer = new SigV4("us-east-1", "s3");
    String payload = Sha256.hex("x");
    String day1 =
        authorization(signer.sign("PUT", "h", "/b/k", Map.of(), payload, creds("s1"), NOW));
    String nextDay =
        authorization(
            signer.sign(
                "PUT", "h", "/b/k", Map.of(), payload, creds("s1"), NOW.plusSeconds(86400)));
    String otherSecret =
        authorization(signer.sign("PUT", "h", "/b/k", Map.of(), payload, creds("s2"), NOW));
    String day1Again =
        authorization(signer.sign("PUT", "h", "/b/k", Map.of(), payload, creds("s1"), NOW));
    assertEquals(day1, day1Again);
    assertFalse(signature(day1).equals(signature(nextDay)));
    assertFalse(signature(day1).equals(signature(otherSecret)));
    assertEquals(
        authorization(
            new SigV4("us-east-1", "s3")
                .sign("PUT", "h", "/b/k", Map.of(), payload, creds("s2"), NOW)),
        otherSecret);
  }

  private static AwsCredentialsIdentity creds(String secret) {
    return AwsBasicCredentials.create("AKID", secret);
  }

  private static String authorization(Map<String, String> headers) {
    return headers.get("Authorization");
  }

  private static String signature(String authorization) {
    return authorization.substring(authorization.indexOf("Signature="));
  }

  private static void check(Case c, AwsCredentials credentials) {
    StoreConfig.Builder config =
        StoreConfig.builder()
            .region(c.region())
            .bucket("images")
            .credentials("unused", "unused")
            .putClient(StoreConfig.PutClient.SIGNED);
    if (c.endpoint() != null) {
      config.endpoint(URI.create(c.endpoint())).pathStyle(true);
    }
    SignedPuts puts =
        new SignedPuts(
            null,
            StaticCredentialsProvider.create(credentials),
            config.build(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    byte[] body = "not really a png".getBytes(StandardCharsets.UTF_8);
    PutObjectRequest request =
        PutObjectRequest.builder()
            .bucket("images")
            .key(c.key())
            .contentType("image/png")
            .checksumSHA256("c2hhMjU2IG9mIHRoZSBib2R5")
            .ifNoneMatch("*")
            .metadata(c.meta())
            .build();
    SdkHttpRequest ours = puts.signed(request, body, credentials, NOW);

    SdkHttpRequest.Builder unsigned = ours.toBuilder().clearHeaders();
    ours.forEachHeader(
        (name, values) -> {
          if (!name.equals("Authorization")
              && !name.equals("Host")
              && !name.startsWith("x-amz-date")
              && !name.equals("x-amz-content-sha256")
              && !name.equals("x-amz-security-token")) {
            unsigned.putHeader(name, values);
          }
        });
    String region = c.region();
    SdkHttpRequest sdk =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(credentials)
                        .request(unsigned.build())
                        .payload(() -> new ByteArrayInputStream(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)))
            .request();
    assertEquals(sdk.getUri(), ours.getUri());
    assertEquals(headers(sdk), headers(ours));
  }

  private static Map<String, List<String>> headers(SdkHttpRequest request) {
    Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    out.putAll(request.headers());
    return out;
  }
}
