package org.hartbatch.hart.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StageScheduleTest {

  @Test
  void theLastStageReusesTheRatioOfTheStageBefore() {
    assertEquals(0.0, new StageSchedule(0, 5).guidance(4.5));
    assertEquals(1.125, new StageSchedule(1, 5).guidance(4.5), 1e-12);
    assertEquals(3.375, new StageSchedule(3, 5).guidance(4.5), 1e-12);
    assertEquals(3.375, new StageSchedule(4, 5).guidance(4.5), 1e-12);
  }

  @Test
  void releasedScheduleMatchesTheSpecTable() {
    assertEquals(0.250269, new StageSchedule(1, 14).gumbelTemperature(), 1e-6);
    assertEquals(0.033231, new StageSchedule(13, 14).gumbelTemperature(), 1e-6);
    assertEquals(4.153846, new StageSchedule(13, 14).guidance(4.5), 1e-6);
    assertEquals(600, new StageSchedule(6, 14).referenceTopK());
    assertEquals(300, new StageSchedule(7, 14).referenceTopK());
  }

  @Test
  void streamsDependOnSeedPurposeAndStageOnly() {
    SeedStreams a = new SeedStreams(42);
    SplittableRandom first = a.stream(SeedStreams.Purpose.TOKENS, 3);
    a.stream(SeedStreams.Purpose.GUMBEL, 3).nextLong();
    assertEquals(
        first.nextLong(), new SeedStreams(42).stream(SeedStreams.Purpose.TOKENS, 3).nextLong());
    assertNotEquals(
        a.stream(SeedStreams.Purpose.TOKENS, 3).nextLong(),
        a.stream(SeedStreams.Purpose.TOKENS, 4).nextLong());
    assertNotEquals(
        a.stream(SeedStreams.Purpose.TOKENS, 3).nextLong(),
        a.stream(SeedStreams.Purpose.GUMBEL, 3).nextLong());
  }
}
