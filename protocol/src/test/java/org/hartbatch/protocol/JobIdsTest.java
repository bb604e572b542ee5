package org.hartbatch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobIdsTest {

  @Test
  void sameLineGivesTheSameId() {
    assertEquals(JobIds.forLine("cat-1", 17), JobIds.forLine("cat-1", 17));
    assertEquals(JobIds.forKey("cat-1", "sku-9"), JobIds.forKey("cat-1", "sku-9"));
    assertEquals(JobIds.seedForLine("cat-1", 17), JobIds.seedForLine("cat-1", 17));
  }

  @Test
  void idsAreKnownValues() {
    // Pinned (checked with Python hashlib): changing the derivation would re-render every
    // re-submitted catalog.
    assertEquals("52c198ae0c88721a8a1ba616d006c872", JobIds.forLine("cat-1", 1));
  }

  @Test
  void idsDifferAcrossLinesCatalogsAndKinds() {
    Set<String> ids = new HashSet<>();
    for (int line = 1; line <= 10_000; line++) {
      ids.add(JobIds.forLine("cat-1", line));
      ids.add(JobIds.forLine("cat-2", line));
    }
    assertEquals(20_000, ids.size());
    assertNotEquals(JobIds.forLine("cat-1", 5), JobIds.forKey("cat-1", "5"));
    assertNotEquals(JobIds.forKey("ab", "c"), JobIds.forKey("a", "bc"));
    assertNotEquals(JobIds.seedForLine("cat-1", 1), JobIds.seedForLine("cat-1", 2));
  }

  @Test
  void idsAreValidJobIds() {
    String id = JobIds.forKey("cat-1", "any key, even with spaces / slashes");
    assertTrue(RenderJobValidator.isId(id), id);
    assertEquals(32, id.length());
  }
}
