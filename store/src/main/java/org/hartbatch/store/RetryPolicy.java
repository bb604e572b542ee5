package org.hartbatch.store;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Bounded exponential backoff with jitter for transient store failures.
 *
 * @param maxAttempts attempts in all, the first included; 1 disables retries
 * @param baseDelay wait before the second attempt, doubled for each further one
 * @param maxDelay upper bound of any single wait
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(10));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= baseDelay <= maxDelay, was " + baseDelay + " and " + maxDelay);
    }
  }

  /**
   * How long to wait after failed attempt {@code attempt} (1-based): the exponential delay capped
   * at {@link #maxDelay}, of which a random half is dropped so that many writers that failed
   * together do not retry together.
   */
  public Duration delayAfter(int attempt, RandomGenerator random) {
    // 2^30 doublings of any sane base already exceed every cap, without overflowing a long.
    int doublings = Math.min(attempt - 1, 30);
    long capped = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << doublings);
    long half = capped / 2;
    return Duration.ofMillis(half + (half == 0 ? 0 : random.nextLong(capped - half + 1)));
  }
}
