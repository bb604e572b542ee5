package org.hartbatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1_000));

  @Test
  void delaysDoubleWithinJitterBoundsUpToTheCap() {
    SplittableRandom random = new SplittableRandom(1);
    long[] ceilings = {100, 200, 400, 800, 1_000, 1_000, 1_000};
    for (int attempt = 1; attempt <= ceilings.length; attempt++) {
      for (int i = 0; i < 200; i++) {
        long ms = policy.delayAfter(attempt, random).toMillis();
        long ceiling = ceilings[attempt - 1];
        assertTrue(ms >= ceiling / 2 && ms <= ceiling, attempt + ": " + ms);
      }
    }
  }

  @Test
  void jitterSpreadsDelays() {
    SplittableRandom random = new SplittableRandom(2);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(policy.delayAfter(3, random).toMillis());
    }
    assertTrue(seen.size() > 50, seen::toString);
  }

  @Test
  void hugeAttemptNumbersStayAtTheCap() {
    long ms = policy.delayAfter(1_000, new SplittableRandom(3)).toMillis();
    assertTrue(ms >= 500 && ms <= 1_000, Long.toString(ms));
    RetryPolicy longBase = new RetryPolicy(100, Duration.ofDays(1), Duration.ofDays(2));
    assertTrue(longBase.delayAfter(60, new SplittableRandom(4)).compareTo(Duration.ofDays(2)) <= 0);
  }

  @Test
  void zeroDelaysAreAllowedForTests() {
    RetryPolicy none = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);
    assertEquals(Duration.ZERO, none.delayAfter(2, new SplittableRandom(5)));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
