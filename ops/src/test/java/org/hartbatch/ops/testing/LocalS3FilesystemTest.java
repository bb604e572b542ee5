package org.hartbatch.ops.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

class LocalS3FilesystemTest {

  @Test
  void keepsObjectsAndMetadataOnDiskAcrossServers(@TempDir Path dataDir) {
    try (LocalS3 first = LocalS3.start(dataDir, "disk")) {
      first
          .client()
          .putObject(
              b -> b.bucket("disk").key("a/b.png").metadata(Map.of("seed", "7")),
              RequestBody.fromString("pixels"));
    }
    assertTrue(Files.isDirectory(dataDir.resolve("disk")));

    try (LocalS3 second = LocalS3.start(dataDir)) {
      var object = second.client().getObjectAsBytes(b -> b.bucket("disk").key("a/b.png"));
      assertEquals("pixels", object.asString(UTF_8));
      assertEquals(Map.of("seed", "7"), object.response().metadata());
    }
  }
}
