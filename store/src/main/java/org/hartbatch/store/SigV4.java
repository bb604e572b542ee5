package org.hartbatch.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * AWS Signature Version 4 of one request with a signed payload, as S3 defines it for a request
 * without query parameters whose path is signed as sent (no second encoding, no dot-segment
 * removal): the headers given, plus {@code host}, {@code x-amz-date}, {@code x-amz-content-sha256}
 * and, for temporary credentials, {@code x-amz-security-token}, all signed.
 *
 * <p>It does what the SDK's {@code AwsV4HttpSigner} does for such a request (a test compares the
 * two), without its generic machinery, which cost more than the rest of a small PUT on the worker's
 * encoder threads. The signing key is derived once per day, region and service.
 */
final class SigV4 {

  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();

  private final String region;
  private final String service;
  private volatile SigningKey cachedKey;

  SigV4(String region, String service) {
    this.region = region;
    this.service = service;
  }

  /**
   * The headers to send: {@code headers} (names in any case; each at most once) plus the signing
   * headers and {@code Authorization}.
   *
   * @param hostHeader the {@code Host} header's value: host, and {@code :port} unless standard
   * @param encodedPath the path exactly as it is sent, already URI-encoded
   * @param payloadSha256Hex lowercase hex SHA-256 of the body
   */
  Map<String, String> sign(
      String method,
      String hostHeader,
      String encodedPath,
      Map<String, String> headers,
      String payloadSha256Hex,
      AwsCredentialsIdentity credentials,
      Instant now) {
    String amzDate = AMZ_DATE.format(now);
    String date = amzDate.substring(0, 8);
    TreeMap<String, String> signed = new TreeMap<>();
    for (Map.Entry<String, String> header : headers.entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (signed.put(name, canonicalValue(header.getValue())) != null) {
        throw new IllegalArgumentException("header " + name + " given twice");
      }
    }
    signed.put("host", hostHeader);
    signed.put("x-amz-date", amzDate);
    signed.put("x-amz-content-sha256", payloadSha256Hex);
    if (credentials instanceof AwsSessionCredentialsIdentity session) {
      signed.put("x-amz-security-token", session.sessionToken());
    }

    StringBuilder canonical = new StringBuilder(512);
    canonical.append(method).append('\n').append(encodedPath).append("\n\n");
    StringBuilder names = new StringBuilder(256);
    for (Map.Entry<String, String> header : signed.entrySet()) {
      canonical.append(header.getKey()).append(':').append(header.getValue()).append('\n');
      if (names.length() > 0) {
        names.append(';');
      }
      names.append(header.getKey());
    }
    canonical.append('\n').append(names).append('\n').append(payloadSha256Hex);

    String scope = date + '/' + region + '/' + service + "/aws4_request";
    String stringToSign =
        ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + HEX.formatHex(sha256(canonical));
    String signature =
        HEX.formatHex(
            hmac(
                signingKey(credentials.secretAccessKey(), date),
                stringToSign.getBytes(StandardCharsets.UTF_8)));

    Map<String, String> out = new LinkedHashMap<>(headers);
    out.put("Host", hostHeader);
    out.put("x-amz-date", amzDate);
    out.put("x-amz-content-sha256", payloadSha256Hex);
    if (credentials instanceof AwsSessionCredentialsIdentity session) {
      out.put("x-amz-security-token", session.sessionToken());
    }
    out.put(
        "Authorization",
        ALGORITHM
            + " Credential="
            + credentials.accessKeyId()
            + '/'
            + scope
            + ", SignedHeaders="
            + names
            + ", Signature="
            + signature);
    return out;
  }

  /** A header value as signed: trimmed, with every run of spaces made one space. */
  static String canonicalValue(String value) {
    String trimmed = value.strip();
    if (trimmed.indexOf("  ") < 0) {
      return trimmed;
    }
    StringBuilder out = new StringBuilder(trimmed.length());
    boolean space = false;
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c == ' ') {
        if (!space) {
          out.append(c);
        }
        space = true;
      } else {
        out.append(c);
        space = false;
      }
    }
    return out.toString();
  }

  private byte[] signingKey(String secret, String date) {
    SigningKey key = cachedKey;
    if (key != null && key.date.equals(date) && key.secret.equals(secret)) {
      return key.key;
    }
    byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), utf8(date));
    k = hmac(k, utf8(region));
    k = hmac(k, utf8(service));
    k = hmac(k, utf8("aws4_request"));
    cachedKey = new SigningKey(secret, date, k);
    return k;
  }

  private record SigningKey(String secret, String date, byte[] key) {}

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha256(CharSequence text) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
