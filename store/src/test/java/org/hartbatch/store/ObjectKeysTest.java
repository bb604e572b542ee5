package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.hartbatch.protocol.OutputFormat;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.Sha256;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

  private static RenderJob job(String outputPrefix) {
    return RenderJob.builder()
        .jobId("job-1")
        .catalogId("cat-1")
        .prompt("p")
        .seed(1L)
        .model("m")
        .outputPrefix(outputPrefix)
        .submittedAt(Instant.EPOCH)
        .build();
  }

  @Test
  void plainLayoutIsCatalogThenJob() {
    assertEquals("cat-1/job-1.png", new ObjectKeys("", 0).imageKey(job(null)));
    assertEquals("renders/cat-1/job-1.png", new ObjectKeys("renders", 0).imageKey(job(null)));
    assertEquals(
        "renders/tenant-a/run=3/cat-1/job-1.png",
        new ObjectKeys("renders", 0).imageKey(job("tenant-a/run=3")));
  }

  @Test
  void hashPrefixComesFromTheJobIdAndPrecedesTheCatalog() {
    String hash = Sha256.hex("job-1").substring(0, 4);
    assertEquals(
        "renders/" + hash + "/cat-1/job-1.png", new ObjectKeys("renders", 4).imageKey(job(null)));
  }

  @Test
  void hashPrefixesSpreadACatalog() {
    ObjectKeys keys = new ObjectKeys("", 2);
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      prefixes.add(keys.imageKey(null, "cat", "job-" + i, OutputFormat.PNG).substring(0, 2));
    }
    assertEquals(256, prefixes.size());
  }

  @Test
  void catalogFilesSitBesideTheImages() {
    ObjectKeys keys = new ObjectKeys("renders", 4);
    assertEquals("renders/x/cat-1/index.html", keys.catalogFileKey("x", "cat-1", "index.html"));
    assertTrue(keys.imageKey(job(null)).endsWith("/cat-1/job-1.png"));
  }
}
