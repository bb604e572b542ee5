package org.hartbatch.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackSettingsTest {

  @Test
  void defaultsComeFromTheBundledFile() {
    LocalStackSettings settings = LocalStackSettings.defaults();
    assertEquals("127.0.0.1:19092", settings.kafkaBootstrapServers());
    assertEquals("http://127.0.0.1:19000", settings.s3Endpoint());
    assertEquals("us-east-1", settings.s3Region());
    assertEquals("hartbatch-images", settings.s3Bucket());
  }

  @Test
  void environmentOverridesPortsAndBucket() {
    LocalStackSettings settings =
        LocalStackSettings.from(
            Map.of(
                "HARTBATCH_KAFKA_PORT", "29092",
                "HARTBATCH_KAFKA_CONTROLLER_PORT", "29093",
                "HARTBATCH_S3_PORT", "29000",
                "HARTBATCH_S3_BUCKET", "other"));
    assertEquals(29092, settings.kafkaPort());
    assertEquals(29093, settings.kafkaControllerPort());
    assertEquals("http://127.0.0.1:29000", settings.s3Endpoint());
    assertEquals("other", settings.s3Bucket());
  }

  @Test
  void badPortNamesTheVariable() {
    var notNumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalStackSettings.from(Map.of("HARTBATCH_S3_PORT", "nine")));
    assertTrue(notNumber.getMessage().startsWith("HARTBATCH_S3_PORT=nine"), notNumber.getMessage());
    var outOfRange =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalStackSettings.from(Map.of("HARTBATCH_KAFKA_PORT", "70000")));
    assertTrue(outOfRange.getMessage().contains("between 1 and 65535"), outOfRange.getMessage());
  }
}
