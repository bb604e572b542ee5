package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  private static StoreConfig from(Map<String, String> values) {
    return StoreConfig.from(key -> Optional.ofNullable(values.get(key)));
  }

  @Test
  void readsEveryKey() {
    StoreConfig config =
        from(
            Map.ofEntries(
                Map.entry("hartbatch.store.endpoint", "http://127.0.0.1:9000"),
                Map.entry("hartbatch.store.region", "eu-west-1"),
                Map.entry("hartbatch.store.bucket", "images"),
                Map.entry("hartbatch.store.path-style", "true"),
                Map.entry("hartbatch.store.key-prefix", "renders/v1"),
                Map.entry("hartbatch.store.hash-prefix-length", "4"),
                Map.entry("hartbatch.store.access-key-id", "local"),
                Map.entry("hartbatch.store.secret-access-key", "local-secret"),
                Map.entry("hartbatch.store.retry.max-attempts", "3"),
                Map.entry("hartbatch.store.retry.base-delay-ms", "50"),
                Map.entry("hartbatch.store.retry.max-delay-ms", "400"),
                Map.entry("hartbatch.store.attempt-timeout-ms", "5000"),
                Map.entry("hartbatch.store.connect-timeout-ms", "700"),
                Map.entry("hartbatch.store.presign.max-expiry-s", "600")));
    assertEquals(URI.create("http://127.0.0.1:9000"), config.endpoint());
    assertEquals("eu-west-1", config.region());
    assertEquals("images", config.bucket());
    assertTrue(config.pathStyle());
    assertEquals("renders/v1", config.keyPrefix());
    assertEquals(4, config.hashPrefixLength());
    assertEquals("local", config.accessKeyId());
    assertEquals(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(400)), config.retry());
    assertEquals(Duration.ofSeconds(5), config.attemptTimeout());
    assertEquals(Duration.ofMillis(700), config.connectTimeout());
    assertEquals(Duration.ofMinutes(10), config.maxPresignExpiry());
  }

  @Test
  void awsDefaultsUseTheProviderChain() {
    StoreConfig config =
        from(Map.of("hartbatch.store.region", "us-east-1", "hartbatch.store.bucket", "b"));
    assertNull(config.endpoint());
    assertNull(config.accessKeyId());
    assertFalse(config.pathStyle());
    assertEquals(RetryPolicy.DEFAULT, config.retry());
    assertEquals(config, StoreConfig.aws("us-east-1", "b"));
  }

  @Test
  void mistakesNameTheKey() {
    assertEquals(
        "hartbatch.store.bucket is required",
        assertThrows(
                IllegalArgumentException.class,
                () -> from(Map.of("hartbatch.store.region", "us-east-1")))
            .getMessage());
    assertEquals(
        "hartbatch.store.retry.max-attempts must be an integer, was 'lots'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    from(
                        Map.of(
                            "hartbatch.store.region", "r",
                            "hartbatch.store.bucket", "b",
                            "hartbatch.store.retry.max-attempts", "lots")))
            .getMessage());
    IllegalArgumentException halfKeys =
        assertThrows(
            IllegalArgumentException.class,
            () -> StoreConfig.builder().region("r").bucket("b").credentials("id", null).build());
    assertTrue(halfKeys.getMessage().startsWith("hartbatch.store.access-key-id"));
    assertThrows(
        IllegalArgumentException.class,
        () -> StoreConfig.builder().region("r").bucket("b").keyLayout("/x", 0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> StoreConfig.builder().region("r").bucket("b").keyLayout("x", 9).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StoreConfig.builder()
                .region("r")
                .bucket("b")
                .maxPresignExpiry(Duration.ofDays(8))
                .build());
  }

  @Test
  void secretsStayOutOfToString() {
    StoreConfig config =
        StoreConfig.local(URI.create("http://127.0.0.1:1"), "us-east-1", "b", "id", "s3cr3t");
    assertFalse(config.toString().contains("s3cr3t"), config.toString());
    assertTrue(config.toString().contains("static id/***"), config.toString());
  }
}
