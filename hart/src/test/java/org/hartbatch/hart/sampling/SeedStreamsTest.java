package org.hartbatch.hart.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeedStreamsTest {

  private static float[] gumbel(boolean[] needed, int from, int count) {
    float[] into = new float[needed.length];
    Arrays.fill(into, Float.NaN);
    SeedStreams.fillGumbel(
        new SeedStreams(42).stream(SeedStreams.Purpose.GUMBEL, 3), into, needed, from, count);
    return into;
  }

  @Test
  void skippedEntriesKeepTheStreamSoEveryNeededValueIsTheSame() {
    boolean[] all = new boolean[1000];
    Arrays.fill(all, true);
    boolean[] some = new boolean[1000];
    for (int i = 0; i < some.length; i++) {
      some[i] = i % 7 == 0;
    }
    float[] full = gumbel(all, 0, 1000);
    float[] sparse = gumbel(some, 0, 1000);
    for (int i = 0; i < 1000; i++) {
      if (some[i]) {
        assertEquals(full[i], sparse[i], "entry " + i);
      } else {
        assertEquals(Float.NaN, sparse[i], "entry " + i + " must be left as it was");
      }
    }
    assertNotEquals(full[0], full[7]);
  }

  @Test
  void onlyTheGivenRangeIsWritten() {
    boolean[] all = new boolean[30];
    Arrays.fill(all, true);
    float[] into = gumbel(all, 10, 10);
    assertEquals(Float.NaN, into[9]);
    assertEquals(Float.NaN, into[20]);
    assertEquals(gumbel(all, 0, 10)[0], into[10]);
  }
}
