package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.hartbatch.protocol.RenderJob;
import org.hartbatch.protocol.RenderJobValidator;
import org.hartbatch.protocol.Sha256;
import org.junit.jupiter.api.Test;

class ImageMetadataTest {

  @Test
  void largestPossibleMetadataFitsS3sLimit() {
    String longest = "x".repeat(128);
    RenderJob job =
        RenderJob.builder()
            .jobId(longest)
            .catalogId(longest)
            .prompt("p".repeat(RenderJobValidator.PROMPT_MAX_CHARS))
            .seed(Long.MIN_VALUE)
            .model(longest)
            .submittedAt(Instant.EPOCH)
            .build();
    assertEquals(java.util.List.of(), RenderJobValidator.validate(job));
    Map<String, String> metadata = new HashMap<>(ImageMetadata.of(job, longest).toUserMetadata());
    metadata.put(ImageStore.SHA256_METADATA, Sha256.hex(new byte[0]));
    int bytes = ImageStore.userMetadataBytes(metadata);
    assertTrue(bytes <= ImageStore.S3_METADATA_LIMIT_BYTES / 2, bytes + " bytes");
  }

  @Test
  void promptIsStoredAsItsHash() {
    RenderJob job =
        RenderJob.builder()
            .jobId("j")
            .catalogId("c")
            .prompt("a red fox")
            .seed(7L)
            .model("m")
            .submittedAt(Instant.EPOCH)
            .build();
    Map<String, String> metadata = ImageMetadata.of(job, "rev-1").toUserMetadata();
    assertEquals(
        Map.of(
            "job-id", "j",
            "catalog-id", "c",
            "seed", "7",
            "model", "m",
            "model-revision", "rev-1",
            "prompt-sha256", Sha256.hex("a red fox")),
        metadata);
  }
}
